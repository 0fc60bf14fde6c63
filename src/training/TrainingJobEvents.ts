import type { EpochReport } from './epochReport';
import { withoutHistory, type TrainingJob } from './trainingJob';
import type { TrainProgress } from './trainClassifier';

/**
 * What happened to a job. STATUS: QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED was reached. STAGE: a new
 * stage began (any name trainClassifier reports, so new stages need no change here). PROGRESS:
 * work within the stage (`step` of `steps`). EPOCH: an epoch finished (loss, accuracy).
 */
export type TrainingJobEventKind = 'STATUS' | 'STAGE' | 'PROGRESS' | 'EPOCH';

export interface TrainingJobEvent {
  jobId: string;
  /** 1, 2, 3 ... per job, in the order the events happened. */
  sequence: number;
  kind: TrainingJobEventKind;
  at: Date;
  stage?: string;
  step?: number;
  steps?: number;
  epoch?: EpochReport;
  /** The job as it is right after this event (status, progress, ETA, evaluation once SUCCEEDED), without its history. */
  job: TrainingJob;
}

/** Events a slow watcher may have waiting; beyond it, waiting PROGRESS events are dropped first (the next event's `job` carries the state). */
const MAX_WAITING = 256;

const isFinal = (event: TrainingJobEvent) => event.kind === 'STATUS' && (event.job.status === 'SUCCEEDED' || event.job.status === 'FAILED' || event.job.status === 'CANCELLED');

/**
 * The event layer between TrainingJobs and its watchers (the GraphQL subscription). Keeps each
 * job's latest event, so a watcher that joins late starts from the current state, then gets every
 * later event in order, and ends after the final STATUS event.
 */
export class TrainingJobEvents {
  private readonly latest = new Map<string, TrainingJobEvent>();
  private readonly watchers = new Map<string, Set<JobWatcher>>();
  private readonly listeners: Array<(event: TrainingJobEvent) => void> = [];

  /** Calls `listener` with every event published from now on (the shared job records). */
  onPublish(listener: (event: TrainingJobEvent) => void): void {
    this.listeners.push(listener);
  }

  publish(job: TrainingJob, kind: TrainingJobEventKind, detail: Pick<TrainingJobEvent, 'stage' | 'step' | 'steps' | 'epoch'> = {}): void {
    const sequence = (this.latest.get(job.id)?.sequence ?? 0) + 1;
    const event: TrainingJobEvent = { jobId: job.id, sequence, kind, at: new Date(), ...detail, job: withoutHistory(job) };
    this.latest.set(job.id, event);
    for (const listener of this.listeners) listener(event);
    for (const watcher of this.watchers.get(job.id) ?? []) watcher.push(event);
  }

  /** One progress report from training: a STAGE event when the stage changed, then EPOCH or PROGRESS. */
  progressed(job: TrainingJob, progress: TrainProgress, previousStage: string | undefined): void {
    const detail = { stage: progress.stage, step: progress.done, steps: progress.total };
    const newStage = progress.stage !== previousStage;
    if (newStage) this.publish(job, 'STAGE', detail);
    if (progress.epoch) this.publish(job, 'EPOCH', { ...detail, epoch: progress.epoch });
    else if (!newStage) this.publish(job, 'PROGRESS', detail);
  }

  /** The job's latest event, then each new one; undefined for a job with no events (unknown or forgotten). */
  watch(jobId: string): AsyncIterableIterator<TrainingJobEvent> | undefined {
    const latest = this.latest.get(jobId);
    if (!latest) return undefined;
    const set = this.watchers.get(jobId) ?? new Set<JobWatcher>();
    this.watchers.set(jobId, set);
    const watcher = new JobWatcher(() => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(jobId) === set) this.watchers.delete(jobId);
    });
    set.add(watcher);
    watcher.push(latest);
    return watcher;
  }

  /** Watchers open now (all jobs). */
  watching(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  forget(jobId: string): void {
    this.latest.delete(jobId);
  }

  /** Ends every watcher (they see the end of the stream, not an error). */
  close(): void {
    for (const set of [...this.watchers.values()]) for (const watcher of [...set]) watcher.end();
  }
}

/**
 * One watcher's queue as an async iterator. Written by hand rather than as an async generator:
 * a generator's return() waits for a pending next(), so a client leaving a QUEUED job's stream
 * would keep its listener until the job moved.
 */
class JobWatcher implements AsyncIterableIterator<TrainingJobEvent> {
  private readonly waiting: TrainingJobEvent[] = [];
  private pending?: (result: IteratorResult<TrainingJobEvent>) => void;
  private ended = false;

  constructor(private readonly onEnd: () => void) {}

  push(event: TrainingJobEvent): void {
    if (this.ended) return;
    if (this.pending) {
      const resolve = this.pending;
      this.pending = undefined;
      resolve({ done: false, value: event });
    } else {
      if (this.waiting.length >= MAX_WAITING) {
        const progress = this.waiting.findIndex((waiting) => waiting.kind === 'PROGRESS');
        this.waiting.splice(progress >= 0 ? progress : 0, 1);
      }
      this.waiting.push(event);
    }
    if (isFinal(event)) this.finish();
  }

  end(): void {
    this.waiting.length = 0;
    this.finish();
  }

  next(): Promise<IteratorResult<TrainingJobEvent>> {
    const event = this.waiting.shift();
    if (event) return Promise.resolve({ done: false, value: event });
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.pending = resolve));
  }

  return(): Promise<IteratorResult<TrainingJobEvent>> {
    this.end();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error: unknown): Promise<IteratorResult<TrainingJobEvent>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<TrainingJobEvent> {
    return this;
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    const resolve = this.pending;
    this.pending = undefined;
    resolve?.({ done: true, value: undefined });
  }
}
