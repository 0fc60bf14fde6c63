import { formatPercent } from '../../lib/format';
import { hrefWith, Link } from '../../lib/router';
import type { ProgressTransport, TrainingJobEvent, TrainingJobView } from '../../lib/useTrainingJobProgress';
import { TrainingCharts } from './TrainingCharts';
import { TrainingFigures } from './TrainingFigures';
import { formatDuration, PHASE_NAMES } from './trainingPhases';

const TRANSPORT_NOTE: Record<ProgressTransport, string> = {
  stream: 'live: events stream from the gateway as they happen',
  polling: 'the event stream is unavailable: asking every second',
};

/**
 * One job as it runs and once it ended: status, progress, the latest epoch (within its phase and
 * overall), loss, validation accuracy and time left, the charts of every epoch (`job.history`, so
 * they survive a reload) with their text alternative, and the events received while watching.
 */
export function JobProgress({
  job,
  transport,
  events,
  onCancel,
}: {
  job: TrainingJobView;
  transport?: ProgressTransport;
  events: TrainingJobEvent[];
  onCancel?: (id: string) => void;
}) {
  const running = job.status === 'QUEUED' || job.status === 'RUNNING';
  const history = job.history;
  const latest = history.length > 0 ? history[history.length - 1] : undefined;
  const latestAccuracy = [...history].reverse().find((epoch) => epoch.validationAccuracy != null)?.validationAccuracy;
  // The count never shrinks: the job's total once training began, or the history's when it says more.
  const totalEpochs = Math.max(job.epochs, latest?.epochs ?? 0);
  const figuresId = `job-figures-${job.id}`;
  return (
    <div className="job-progress">
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
            <button type="button" className="secondary training-touch" disabled={!onCancel} onClick={() => onCancel?.(job.id)}>
              Cancel this job
            </button>
          </>
        )}
      </p>
      <label htmlFor="job-progress">Progress</label>{' '}
      <progress id="job-progress" max={1} value={job.progress} aria-valuetext={formatPercent(job.progress, 0)}>
        {formatPercent(job.progress, 0)}
      </progress>{' '}
      <span>{formatPercent(job.progress, 0)}</span>
      <dl className="facts" data-testid="job-facts">
        <dt>Epoch</dt>
        <dd data-testid="job-epoch">
          {latest ? (
            <>
              {latest.phaseEpoch} / {latest.phaseEpochs} ({PHASE_NAMES[latest.phase]}) · {latest.epoch} / {totalEpochs} overall
            </>
          ) : (
            <>none finished yet · {totalEpochs} in all</>
          )}
        </dd>
        {latest && (
          <>
            <dt>Loss</dt>
            <dd data-testid="job-loss">{latest.loss.toFixed(4)}</dd>
          </>
        )}
        {latestAccuracy != null && (
          <>
            <dt>Validation accuracy</dt>
            <dd>{formatPercent(latestAccuracy)}</dd>
          </>
        )}
        {job.status === 'RUNNING' && (
          <>
            <dt>Time left</dt>
            <dd data-testid="job-eta">{job.etaSeconds == null ? 'estimating…' : `about ${formatDuration(job.etaSeconds)}`}</dd>
          </>
        )}
      </dl>
      {history.length > 0 && (
        <>
          <TrainingCharts history={history} describedBy={figuresId} />
          <TrainingFigures id={figuresId} history={history} />
        </>
      )}
      {events.length > 0 && (
        <details className="job-events">
          <summary>Events received ({events.length})</summary>
          {/* Newest first, so the latest status stays in view; it scrolls, so the keyboard reaches it. */}
          <ol aria-label="Job events" reversed tabIndex={0}>
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

function describeEvent(event: TrainingJobEvent): string {
  if (event.kind === 'EPOCH' && event.epoch) {
    const { epoch, epochs, phase, phaseEpoch, phaseEpochs, loss, validationAccuracy } = event.epoch;
    const accuracy = validationAccuracy != null ? `, validation accuracy ${formatPercent(validationAccuracy)}` : '';
    return `epoch ${phaseEpoch} / ${phaseEpochs} (${PHASE_NAMES[phase]}), ${epoch} / ${epochs} overall: loss ${loss.toFixed(4)}${accuracy}`;
  }
  return `status ${event.job.status}${event.job.status === 'SUCCEEDED' && event.job.evaluation ? `: test accuracy ${formatPercent(event.job.evaluation.accuracy)}` : ''}`;
}
