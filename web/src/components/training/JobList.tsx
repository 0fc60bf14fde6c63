import type { ExplorerTrainingJobsQuery } from '../../generated/graphql';
import { hrefWith, Link } from '../../lib/router';

type JobSummary = ExplorerTrainingJobsQuery['trainingJobs'][number];

/** The caller's jobs since the gateway started, newest as the gateway lists them, each linked to its progress. */
export function JobList({ jobs, cancelling, onCancel }: { jobs: readonly JobSummary[]; cancelling: boolean; onCancel: (id: string) => void }) {
  return (
    <ul className="job-list">
      {jobs.map((job) => (
        <li key={job.id}>
          <Link href={hrefWith('/training', { job: job.id })}>{job.modelId}</Link> <span className={`status status-${job.status.toLowerCase()}`}>{job.status}</span>{' '}
          <span className="muted">
            {new Date(job.createdAt).toLocaleString()} · by <span className="owner">{job.owner}</span>
          </span>
          {(job.status === 'QUEUED' || job.status === 'RUNNING') && (
            <>
              {' '}
              <button
                type="button"
                className="secondary training-touch"
                disabled={cancelling}
                aria-label={`Cancel the job training ${job.modelId}`}
                onClick={() => onCancel(job.id)}
              >
                Cancel
              </button>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
