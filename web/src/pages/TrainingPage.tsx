import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import { useEffect, useRef } from 'react';
import { PageTitle } from '../components/PageTitle';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { JobList } from '../components/training/JobList';
import { JobProgress } from '../components/training/JobProgress';
import { TrainingForm } from '../components/training/TrainingForm';
import {
  ExplorerCancelTrainingJobDocument,
  ExplorerTrainingDatasetsDocument,
  ExplorerTrainingJobDocument,
  ExplorerTrainingJobsDocument,
  ExplorerTrainingModelIdsDocument,
} from '../generated/graphql';
import { announce, useFocusOnChange } from '../lib/announce';
import { useCapability } from '../lib/capabilities';
import { formatPercent } from '../lib/format';
import { usePageOperation } from '../lib/pageOperation';
import { useQueryState } from '../lib/router';
import { isDone, useTrainingJobProgress, type TrainingJobView } from '../lib/useTrainingJobProgress';

/**
 * Training as a guided flow: say up front when this gateway cannot train, pick a model id and a
 * dataset (with its warnings), then follow the job (`?job=<id>`, shareable and reload-proof: its
 * epochs come back with it) and find it again among the recent jobs.
 */
export default function TrainingPage() {
  const [params, setParams] = useQueryState();
  const jobId = params.get('job');
  const training = useCapability('training');
  const unavailable = training.available === false;
  // The job comes back with status CANCELLED (or as it ended) and replaces the cached one everywhere.
  const [cancel, cancelling] = useMutation(ExplorerCancelTrainingJobDocument);
  const cancelJob = (id: string) => void cancel({ variables: { id } }).catch(() => undefined);
  const jobs = useQuery(ExplorerTrainingJobsDocument, { fetchPolicy: 'cache-and-network' });
  const { job, loading, error, transport, events } = useTrainingJobProgress(jobId);
  const finished = isDone(job?.status);
  const { refetch } = jobs;
  const client = useApolloClient();
  useEffect(() => {
    if (!finished) return;
    refetch().catch(() => undefined);
    // The model it wrote now takes its id: the form asks before replacing it.
    client.refetchQueries({ include: [ExplorerTrainingModelIdsDocument] }).catch(() => undefined);
  }, [finished, refetch, client]);
  usePageOperation(jobId ? ExplorerTrainingJobDocument : ExplorerTrainingDatasetsDocument, jobId ? { id: jobId } : {});
  useAnnouncedStatus(job);
  // A job started here (or picked from the list) takes the focus; one opened from a shared URL does not.
  const jobRef = useFocusOnChange<HTMLElement>(jobId ?? 'none');

  return (
    <section>
      <PageTitle title="Training">Train a classifier</PageTitle>
      <p>
        Transfer learning on a dataset under the gateway’s training root (<code>TRAINING_DATA_ROOT</code>): a folder of class folders (folder name = label) or an AutoML Vision CSV.
        The model is served as soon as it is written.
      </p>
      {unavailable && (
        <div className="state state-error" role="alert" data-testid="training-unavailable">
          <strong>Training is not available on this gateway</strong>
          <p>{training.reason ?? 'It is not configured.'}</p>
        </div>
      )}
      <TrainingForm
        unavailable={unavailable}
        onStarted={(id) => {
          setParams({ job: id });
          refetch().catch(() => undefined);
        }}
      />
      <ErrorMessage error={cancelling.error} title="The job could not be cancelled" />
      {jobId && (
        <section aria-labelledby="job-heading" className="job" ref={jobRef} tabIndex={-1}>
          <h2 id="job-heading">Job {jobId}</h2>
          {loading && <Loading what="Loading the job" />}
          <ErrorMessage
            error={error}
            hints={{ TRAINING_JOB_NOT_FOUND: 'Jobs are kept in memory: this one was forgotten when the gateway restarted.' }}
            title="The job could not be read"
          />
          {job && <JobProgress job={job} transport={transport} events={events} onCancel={cancelling.loading ? undefined : cancelJob} />}
        </section>
      )}
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">Recent jobs</h2>
        {jobs.loading && !jobs.data && <Loading what="Loading jobs" />}
        <ErrorMessage error={jobs.error} />
        {/* After a refusal (signed in with a bad credential) the list held for the previous caller is not shown. */}
        {jobs.data && !jobs.error && jobs.data.trainingJobs.length === 0 && <Empty>No job since the gateway started.</Empty>}
        {jobs.data && !jobs.error && jobs.data.trainingJobs.length > 0 && <JobList jobs={jobs.data.trainingJobs} cancelling={cancelling.loading} onCancel={cancelJob} />}
      </section>
    </section>
  );
}

/** Announces the followed job's status as it changes (not every epoch: that would drown a screen reader). */
function useAnnouncedStatus(job: TrainingJobView | undefined) {
  const said = useRef<string | null>(null);
  const key = job ? `${job.id}:${job.status}` : null;
  useEffect(() => {
    if (!job || key === said.current) return;
    // The status a page opens with is shown, not announced.
    const first = said.current === null || !said.current.startsWith(`${job.id}:`);
    said.current = key;
    if (first && job.status !== 'QUEUED') return;
    const accuracy = job.status === 'SUCCEEDED' && job.evaluation ? `: accuracy ${formatPercent(job.evaluation.accuracy)} on the TEST split` : '';
    announce(`Training ${job.modelId}: ${job.status.toLowerCase()}${accuracy}${job.status === 'FAILED' && job.error ? `: ${job.error}` : ''}`);
  }, [key, job]);
}
