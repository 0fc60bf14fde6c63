import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useState } from 'react';
import { PageTitle } from '../components/PageTitle';
import { Empty, ErrorMessage, Loading } from '../components/States';
import { ExplorerCancelTrainingJobDocument, ExplorerTrainingJobsDocument, ExplorerTrainModelDocument, type TrainingPhase } from '../generated/graphql';
import { formatPercent } from '../lib/format';
import { hrefWith, Link, useQueryState } from '../lib/router';
import { isDone, useTrainingJobProgress, type ProgressTransport, type TrainingJobEvent, type TrainingJobView } from '../lib/useTrainingJobProgress';

export default function TrainingPage() {
  const [params, setParams] = useQueryState();
  const jobId = params.get('job');
  const [form, setForm] = useState({ modelId: '', data: '', epochs: '30', learningRate: '0.001', augment: '0', testFraction: '0.1', seed: '42' });
  const [train, started] = useMutation(ExplorerTrainModelDocument);
  // The job comes back with status CANCELLED (or as it ended) and replaces the cached one everywhere.
  const [cancel, cancelling] = useMutation(ExplorerCancelTrainingJobDocument);
  const cancelJob = (id: string) => void cancel({ variables: { id } }).catch(() => undefined);
  const jobs = useQuery(ExplorerTrainingJobsDocument, { fetchPolicy: 'cache-and-network' });
  const { job, loading, error, transport, events } = useTrainingJobProgress(jobId);
  const finished = isDone(job?.status);
  const { refetch } = jobs;
  useEffect(() => {
    if (finished) refetch().catch(() => undefined);
  }, [finished, refetch]);

  /** `replace`: the caller confirmed, after MODEL_EXISTS, that its own model of this id is to be replaced. */
  const start = async (replace = false) => {
    const input = {
      modelId: form.modelId.trim(),
      data: form.data.trim(),
      epochs: Number(form.epochs) || 30,
      learningRate: Number(form.learningRate) || 0.001,
      augment: Number(form.augment) || 0,
      testFraction: Number(form.testFraction),
      seed: Number(form.seed) || 0,
      ...(replace ? { replace: true } : {}),
    };
    const result = await train({ variables: { input } }).catch(() => undefined);
    const id = result?.data?.trainModel.id;
    if (id) {
      setParams({ job: id });
      refetch().catch(() => undefined);
    }
  };

  return (
    <section>
      <PageTitle title="Training">Train a classifier</PageTitle>
      <p>
        Transfer learning on a folder of class folders (folder name = label) under the gateway’s training root (<code>TRAINING_DATA_ROOT</code>). The model is served as soon as it
        is written.
      </p>
      <form
        className="toolbar training-form"
        onSubmit={(event) => {
          event.preventDefault();
          void start();
        }}
      >
        <div className="field">
          <label htmlFor="train-model">Model id</label>
          <input
            id="train-model"
            required
            pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,99}"
            placeholder="e.g. flowers"
            value={form.modelId}
            onChange={(event) => setForm({ ...form, modelId: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="train-data">Folder under the training root</label>
          <input id="train-data" required placeholder="e.g. flowers" value={form.data} onChange={(event) => setForm({ ...form, data: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="train-epochs">Epochs</label>
          <input id="train-epochs" type="number" min={1} max={1000} value={form.epochs} onChange={(event) => setForm({ ...form, epochs: event.target.value })} />
        </div>
        <details className="advanced">
          <summary>More options</summary>
          <div className="toolbar">
            <NumberField
              id="train-lr"
              label="Learning rate"
              value={form.learningRate}
              step="any"
              min={0.000001}
              max={1}
              onChange={(learningRate) => setForm({ ...form, learningRate })}
            />
            <NumberField id="train-augment" label="Augmented copies per image" value={form.augment} min={0} max={20} onChange={(augment) => setForm({ ...form, augment })} />
            <NumberField
              id="train-test"
              label="Test share (images without a split)"
              value={form.testFraction}
              step="0.05"
              min={0}
              max={0.9}
              onChange={(testFraction) => setForm({ ...form, testFraction })}
            />
            <NumberField id="train-seed" label="Seed" value={form.seed} min={0} onChange={(seed) => setForm({ ...form, seed })} />
          </div>
        </details>
        <button type="submit" disabled={started.loading}>
          {started.loading ? 'Starting…' : 'Start training'}
        </button>
      </form>
      <ErrorMessage
        error={started.error}
        title="The job could not start"
        hints={{
          MODEL_EXISTS: (
            <>
              You trained a model with this id before. Replace it with the one this job trains (it is swapped in only if the job succeeds), or choose another id.{' '}
              <button type="button" disabled={started.loading} onClick={() => void start(true)}>
                Replace it
              </button>
            </>
          ),
        }}
      />
      <ErrorMessage error={cancelling.error} title="The job could not be cancelled" />
      {jobId && (
        <section aria-labelledby="job-heading" className="job">
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
        {jobs.data && !jobs.error && jobs.data.trainingJobs.length > 0 && (
          <ul className="job-list">
            {jobs.data.trainingJobs.map((j) => (
              <li key={j.id}>
                <Link href={hrefWith('/training', { job: j.id })}>{j.modelId}</Link> <span className={`status status-${j.status.toLowerCase()}`}>{j.status}</span>{' '}
                <span className="muted">
                  {new Date(j.createdAt).toLocaleString()} · by <span className="owner">{j.owner}</span>
                </span>
                {(j.status === 'QUEUED' || j.status === 'RUNNING') && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="secondary small"
                      disabled={cancelling.loading}
                      aria-label={`Cancel the job training ${j.modelId}`}
                      onClick={() => cancelJob(j.id)}
                    >
                      Cancel
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

function NumberField({
  id,
  label,
  value,
  onChange,
  ...limits
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  min?: number;
  max?: number;
  step?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} onChange={(event) => onChange(event.target.value)} {...limits} />
    </div>
  );
}

const TRANSPORT_NOTE: Record<ProgressTransport, string> = {
  stream: 'live: events stream from the gateway as they happen',
  polling: 'the event stream is unavailable: asking every second',
};

function JobProgress({ job, transport, events, onCancel }: { job: TrainingJobView; transport?: ProgressTransport; events: TrainingJobEvent[]; onCancel?: (id: string) => void }) {
  const running = job.status === 'QUEUED' || job.status === 'RUNNING';
  // `job.epochs` is the epochs asked for; training may add fine-tuning epochs, which EPOCH events count in.
  const totalEpochs = Math.max(job.epochs, job.epoch ?? 0, ...events.map((event) => event.epoch?.epochs ?? 0));
  return (
    <div>
      <p>
        Model <strong>{job.modelId}</strong>: <span className={`status status-${job.status.toLowerCase()}`}>{job.status}</span>
        {job.stage && job.status === 'RUNNING' && ` · ${job.stage}`}
        {transport && running && (
          <span className={`transport transport-${transport}`} data-testid="progress-transport">
            {' '}
            ({TRANSPORT_NOTE[transport]})
          </span>
        )}
        <span className="muted"> · started by {job.owner}</span>
        {running && (
          <>
            {' '}
            <button type="button" className="secondary small" disabled={!onCancel} onClick={() => onCancel?.(job.id)}>
              Cancel this job
            </button>
          </>
        )}
      </p>
      <label htmlFor="job-progress">Progress</label>{' '}
      <progress id="job-progress" max={1} value={job.progress} aria-valuetext={formatPercent(job.progress, 0)}>
        {formatPercent(job.progress, 0)}
      </progress>{' '}
      <span aria-live="polite">{formatPercent(job.progress, 0)}</span>
      <dl className="facts">
        <dt>Epoch</dt>
        <dd>
          {job.epoch ?? 0} / {totalEpochs}
        </dd>
        {job.loss != null && (
          <>
            <dt>Loss</dt>
            <dd>{job.loss.toFixed(4)}</dd>
          </>
        )}
        {job.validationAccuracy != null && (
          <>
            <dt>Validation accuracy</dt>
            <dd>{formatPercent(job.validationAccuracy)}</dd>
          </>
        )}
        {job.etaSeconds != null && job.status === 'RUNNING' && (
          <>
            <dt>Time left</dt>
            <dd>about {Math.ceil(job.etaSeconds)} s</dd>
          </>
        )}
      </dl>
      {events.length > 0 && (
        <details className="job-events" open>
          <summary>Events received ({events.length})</summary>
          {/* Newest first, so the latest status stays in view. */}
          <ol aria-label="Job events" reversed>
            {[...events].reverse().map((event) => (
              <li key={event.sequence} data-kind={event.kind}>
                <span className="muted">{new Date(event.at).toLocaleTimeString()}</span> {describeEvent(event)}
              </li>
            ))}
          </ol>
        </details>
      )}
      {job.error && job.status !== 'CANCELLED' && (
        <p className="state state-error" role="alert">
          {job.error}
        </p>
      )}
      {job.status === 'CANCELLED' && (
        <p className="state state-empty" role="status">
          Cancelled{job.error ? ` (${job.error})` : ''}: nothing was written.
        </p>
      )}
      {job.status === 'SUCCEEDED' && (
        <p>
          Done{job.evaluation && `: accuracy ${formatPercent(job.evaluation.accuracy)} on the TEST split`}.{' '}
          <Link href={hrefWith('/models', { model: job.modelId })}>See the evaluation</Link> or <Link href={hrefWith('/classify', { model: job.modelId })}>classify with it</Link>.
        </p>
      )}
    </div>
  );
}

const PHASE_NAMES: Record<TrainingPhase, string> = {
  HEAD: 'head',
  FINE_TUNE: 'fine-tuning',
  REFIT: 'refit on every photo',
};

function describeEvent(event: TrainingJobEvent): string {
  if (event.kind === 'EPOCH' && event.epoch) {
    const { epoch, epochs, phase, loss, validationAccuracy } = event.epoch;
    return `epoch ${epoch} / ${epochs} (${PHASE_NAMES[phase]}): loss ${loss.toFixed(4)}${validationAccuracy != null ? `, validation accuracy ${formatPercent(validationAccuracy)}` : ''}`;
  }
  return `status ${event.job.status}${event.job.status === 'SUCCEEDED' && event.job.evaluation ? `: test accuracy ${formatPercent(event.job.evaluation.accuracy)}` : ''}`;
}
