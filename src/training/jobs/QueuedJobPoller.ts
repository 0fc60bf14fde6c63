import { logger } from '../../logger';
import type { TrainOptions } from '../trainClassifier';
import type { TrainingJob } from '../trainingJob';
import type { JobRecords } from './JobRecords';
import { PollLoop } from '../../pollLoop';

const log = logger.child({ component: 'training' });

/** What the poller hands a claimed job to (TrainingJobs). */
export interface JobRunner {
  readonly busy: boolean;
  adopt(job: TrainingJob, options: TrainOptions): void;
}

/**
 * Takes jobs other replicas queued in the records (TRAINING_WORKER=false on the serving replicas):
 * while its runner is idle, claims the oldest unclaimed QUEUED job (an atomic create: of two workers,
 * one wins) and runs it. `localOptions` re-applies this worker's own settings (data root, caches,
 * remote sources) over the ones in the record.
 */
export class QueuedJobPoller {
  private readonly loop = new PollLoop(() => this.claimOne());

  constructor(
    private readonly records: JobRecords,
    private readonly runner: JobRunner,
    private readonly localOptions: (options: TrainOptions) => TrainOptions,
  ) {}

  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): void {
    this.loop.stop();
  }

  /** Claims and starts at most one queued job; true when it did. */
  async claimOne(): Promise<boolean> {
    if (this.runner.busy || this.loop.stopped) return false;
    try {
      const waiting = (await this.records.store.list())
        .filter((record) => record.job.status === 'QUEUED' && !record.runner && record.options)
        .sort((a, b) => a.job.createdAt.getTime() - b.job.createdAt.getTime());
      for (const record of waiting) {
        if (!(await this.records.adopt(record))) continue; // another worker was first
        log.info({ job: record.job.id, model: record.job.modelId }, 'queued training job claimed');
        this.runner.adopt(record.job, this.localOptions(record.options!));
        return true;
      }
    } catch (error) {
      log.warn({ err: error }, 'queued training jobs could not be read; trying again');
    }
    return false;
  }
}
