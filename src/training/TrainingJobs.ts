import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawnWorker';
import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { ModelEvaluation } from './evaluate';
import { TrainingJobEvents } from './TrainingJobEvents';
import type { TrainOptions, TrainProgress, TrainResult, TrainStage } from './trainClassifier';
import { trainOptionsFor, type TrainModelRequest, type TrainingRequestSettings } from './trainingRequest';
import { jobErrorMessage, trainingFailureOf, type TrainingFailure } from './trainingFailure';
import type { TrainingWorkerData, TrainingWorkerMessage } from './trainingWorkerProtocol';

export type TrainingStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type { TrainModelRequest } from './trainingRequest';

export interface TrainingJob {
  id: string;
  modelId: string;
  status: TrainingStatus;
  stage?: TrainStage;
  /** 0 to 1. */
  progress: number;
  epoch?: number;
  epochs: number;
  loss?: number;
  validationAccuracy?: number;
  etaSeconds?: number;
  /** Why it failed; in production a safe message pointing to the gateway log (see trainingFailure). */
  error?: string;
  /** A stable code for `error`: TRAINING_DATA_INVALID, TRAINING_SOURCE_REFUSED, BAD_USER_INPUT, INTERNAL_SERVER_ERROR... */
  errorCode?: ErrorCode;
  evaluation?: ModelEvaluation;
  backbone?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface TrainingJobsOptions extends TrainingRequestSettings {
  /** Serves a finished model without a restart (ModelRegistry.register). */
  register?: (modelId: string, dir: string) => Promise<unknown>;
  /** Finished jobs kept for `get`; the oldest are forgotten beyond it. */
  keepFinished?: number;
  /** Job errors carry no file contents or paths (the detail goes to the log only). */
  production?: boolean;
}

interface Entry {
  job: TrainingJob;
  options: TrainOptions;
  worker?: Worker;
}

const log = logger.child({ component: 'training' });

/** A failure the worker already described. */
class FailedInWorker extends Error {
  constructor(readonly failure: TrainingFailure) {
    super(failure.detail);
  }
}

/**
 * Training jobs, one at a time in a worker thread (so the event loop and inference stay responsive),
 * the others queued. A finished model is written to MODELS_DIR/<modelId> and registered for serving.
 * Jobs live in memory: a restart forgets them (the trained models stay on disk and are served).
 */
export class TrainingJobs {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running?: Entry;
  private closed = false;
  /** Status changes and progress of every job, for watchers (the trainingJobEvents subscription). */
  readonly events = new TrainingJobEvents();

  constructor(private readonly options: TrainingJobsOptions) {}

  /** Validates the request, queues the job and returns it; throws BAD_USER_INPUT for a bad request. */
  async start(request: TrainModelRequest): Promise<TrainingJob> {
    if (this.closed) throw new GatewayError(ErrorCode.BadUserInput, 'The gateway is shutting down.');
    const id = randomUUID();
    const options = { ...(await trainOptionsFor(request, this.options)), jobId: id };
    const job: TrainingJob = {
      id,
      modelId: request.modelId,
      status: 'QUEUED',
      progress: 0,
      epochs: options.epochs!,
      createdAt: new Date(),
    };
    const entry: Entry = { job, options };
    this.entries.set(job.id, entry);
    this.queue.push(entry);
    this.events.publish(job, 'STATUS');
    log.info({ job: job.id, model: job.modelId }, 'training job queued');
    this.pump();
    return { ...job };
  }

  get(id: string): TrainingJob | undefined {
    const job = this.entries.get(id)?.job;
    return job && { ...job };
  }

  list(): TrainingJob[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.job })).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue.splice(0)) {
      const reason = 'the gateway shut down before the job started';
      this.finish(entry, 'FAILED', { code: ErrorCode.ShuttingDown, detail: reason, safeMessage: reason });
    }
    await this.running?.worker?.terminate();
    this.events.close();
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.run(next)
      .catch((error: unknown) => this.finish(next, 'FAILED', error instanceof FailedInWorker ? error.failure : trainingFailureOf(error)))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async run(entry: Entry): Promise<void> {
    const { job } = entry;
    job.status = 'RUNNING';
    job.startedAt = new Date();
    this.events.publish(job, 'STATUS');
    const data: TrainingWorkerData = { options: entry.options };
    const worker = spawnWorker(path.join(__dirname, 'trainingWorkerMain'), data);
    entry.worker = worker;
    // A promise settles once: a late 'exit' after 'done' or 'failed' changes nothing.
    const result = await new Promise<TrainResult>((resolve, reject) => {
      worker.on('message', (message: TrainingWorkerMessage) => {
        if (message.type === 'progress') this.onProgress(job, message.progress);
        else if (message.type === 'done') resolve(message.result);
        else reject(new FailedInWorker(message.failure));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the training worker stopped (exit code ${code})`)));
    }).finally(() => worker.terminate());
    job.evaluation = result.evaluation;
    job.backbone = result.backbone.id;
    await this.options.register?.(job.modelId, entry.options.out);
    this.finish(entry, 'SUCCEEDED');
    log.info(
      { job: job.id, model: job.modelId, accuracy: result.evaluation.accuracy, seconds: result.seconds.total, failures: result.failures.length, failed: result.failures.slice(0, 20) },
      'model trained',
    );
  }

  private onProgress(job: TrainingJob, progress: TrainProgress): void {
    const previousStage = job.stage;
    job.stage = progress.stage;
    job.progress = progress.progress;
    if (progress.epoch) {
      job.epoch = progress.epoch.epoch;
      job.epochs = progress.epoch.epochs; // the head's epochs plus the fine-tuning ones
      job.loss = progress.epoch.loss;
      job.validationAccuracy = progress.epoch.validationAccuracy;
    } else if (progress.step) {
      job.loss = progress.step.loss;
    }
    const elapsed = (Date.now() - job.startedAt!.getTime()) / 1000;
    job.etaSeconds = progress.progress > 0.02 ? (elapsed * (1 - progress.progress)) / progress.progress : undefined;
    this.events.progressed(job, progress, previousStage);
  }

  private finish(entry: Entry, status: 'SUCCEEDED' | 'FAILED', failure?: TrainingFailure): void {
    const { job } = entry;
    job.status = status;
    job.finishedAt = new Date();
    job.etaSeconds = undefined;
    if (status === 'SUCCEEDED') job.progress = 1;
    if (failure) {
      job.error = jobErrorMessage(failure, job.id, this.options.production ?? false);
      job.errorCode = failure.code;
      log.warn({ job: job.id, model: job.modelId, code: failure.code, error: failure.detail }, 'training job failed');
    }
    entry.worker = undefined;
    this.events.publish(job, 'STATUS');
    this.forgetOldJobs();
  }

  private forgetOldJobs(): void {
    const finished = [...this.entries.values()].filter((entry) => entry.job.finishedAt);
    for (const entry of finished.slice(0, Math.max(0, finished.length - (this.options.keepFinished ?? 100)))) {
      this.entries.delete(entry.job.id);
      this.events.forget(entry.job.id);
    }
  }
}
