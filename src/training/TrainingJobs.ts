import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { WorkerChannel } from '../workers/WorkerChannel';
import type { Caller } from '../auth/caller';
import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import { FailedInWorker, JobStopped, applyProgress, cancelReason, cancelledJob, checkAdmission, jobNotFound, mayControl } from './jobAccess';
import { epochPlanFor, totalEpochsOf } from './epochReport';
import type { JobRecords } from './jobs/JobRecords';
import { watchRecord } from './jobs/watchRecord';
import type { TrainingJob } from './trainingJob';
import { TrainingJobEvents, type TrainingJobEvent } from './TrainingJobEvents';
import type { TrainOptions, TrainProgress, TrainResult } from './trainClassifier';
import { TrainingEta } from './trainingEta';
import { trainOptionsFor, type TrainModelRequest, type TrainingRequestSettings } from './trainingRequest';
import { jobErrorMessage, trainingFailureOf, type TrainingFailure } from './trainingFailure';
import type { TrainingProtocol } from './training.protocol';

export type { TrainModelRequest } from './trainingRequest';
export { assertJobId, jobNotFound } from './jobAccess';

export interface TrainingJobsOptions extends TrainingRequestSettings {
  /** Serves a finished model without a restart: publishes the folder the job wrote to the repository and loads it. */
  register?: (modelId: string, dir: string) => Promise<unknown>;
  /** Where a job writes its model folder (the repository's staging area); default: MODELS_DIR/<modelId>. */
  outputFolder?: (jobId: string) => string;
  /** Refuses a model id the caller may not (re)write: someone else's, or one the gateway did not train. Throws. */
  checkModelId?: (modelId: string, caller: Caller, replace: boolean) => Promise<void> | void;
  /** Finished jobs kept for `get`; the oldest are forgotten beyond it. */
  keepFinished?: number;
  /** Jobs queued or running at once, over all callers (OVERLOADED beyond) and per caller (RATE_LIMITED beyond). */
  queueMax?: number;
  queueMaxPerCaller?: number;
  /** A job running longer is stopped and FAILED. */
  jobTimeoutMs?: number;
  /** Job errors carry no file contents or paths (the detail goes to the log only). */
  production?: boolean;
  /** Job records shared by every replica (the model repository's `.jobs/`), and how often a watcher re-reads one. */
  records?: JobRecords;
  recordPollMs?: number;
  /** false (TRAINING_WORKER=false): jobs are only queued as records, for a worker to claim and run. */
  runJobs?: boolean;
}

/** How a request reaches `start`: the API's input plus whether an existing model of the caller's may be replaced. */
export type StartTrainingRequest = TrainModelRequest & { replace?: boolean | null };

interface Entry {
  job: TrainingJob;
  options: TrainOptions;
  worker?: WorkerChannel<TrainingProtocol>;
  eta?: TrainingEta;
  /** Ends a running job from outside (cancel, deadline): terminates its worker, so run() rejects with this reason. */
  stop?: (status: 'FAILED' | 'CANCELLED', reason: string) => void;
}

const isActive = (job: TrainingJob) => job.status === 'QUEUED' || job.status === 'RUNNING';

const log = logger.child({ component: 'training' });

/** Finished jobs kept for `get` and `list` unless `keepFinished` says otherwise. */
export const DEFAULT_KEEP_FINISHED = 100;

/**
 * Training jobs, one at a time in a worker thread (so the event loop and inference stay responsive),
 * the others queued. A finished model is published to the model repository and served. With `records`,
 * every job is also a record any replica answers from (jobs/JobRecords); without, jobs live in memory.
 */
export class TrainingJobs {
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running?: Entry;
  private closed = false;
  /** Ends the streams read from records (watchRecord) when the gateway stops, as events.close() ends the others. */
  private readonly closing = new AbortController();
  /** Status changes and progress of every job, for watchers (the trainingJobEvents subscription). */
  readonly events = new TrainingJobEvents();

  constructor(private readonly options: TrainingJobsOptions) {
    const { records } = options;
    if (records) this.events.onPublish((event) => records.published(event));
    records?.watchCancels((id, reason) => {
      const entry = this.entries.get(id);
      if (entry) this.stopHere(entry, reason);
    });
  }

  /**
   * Validates the request, queues the job for `caller` and returns it. Throws BAD_USER_INPUT for a bad
   * request, FORBIDDEN for a model id the caller may not write, and refuses at once when the queue is
   * full (OVERLOADED) or the caller already has its share of it (RATE_LIMITED).
   */
  async start(request: StartTrainingRequest, caller: Caller): Promise<TrainingJob> {
    if (this.closed) throw new GatewayError(ErrorCode.ShuttingDown, 'The gateway is shutting down; retry on another instance.');
    this.checkAdmission(request.modelId, caller);
    await this.options.checkModelId?.(request.modelId, caller, request.replace === true);
    const id = randomUUID();
    const options = { ...(await trainOptionsFor(request, this.options)), owner: caller.id, jobId: id };
    if (this.options.outputFolder) options.out = this.options.outputFolder(id);
    // The checks above awaited: another request may meanwhile have taken the last place, or the same model id.
    this.checkAdmission(request.modelId, caller);
    const job: TrainingJob = { id, modelId: request.modelId, owner: caller.id, status: 'QUEUED', progress: 0, epochs: totalEpochsOf(epochPlanFor(options)), createdAt: new Date() };
    const entry: Entry = { job, options };
    this.entries.set(job.id, entry); // counted by checkAdmission while its record is written
    const run = this.options.runJobs !== false || !this.options.records;
    const forget = () => this.entries.delete(job.id);
    await this.options.records?.created(job, options, run).catch((error: unknown) => Promise.reject(forget() && error));
    if (!run && forget()) return { ...job }; // queued as a record for a worker to claim (TRAINING_WORKER=false)
    this.queue.push(entry);
    this.events.publish(job, 'STATUS');
    log.info({ job: job.id, model: job.modelId }, 'training job queued');
    this.pump();
    return { ...job };
  }

  /** The job when `caller` may see it (its owner, or an admin); undefined otherwise, exactly as for an unknown id. */
  get(id: string, caller: Caller): TrainingJob | undefined {
    const job = this.entries.get(id)?.job;
    return job && mayControl(caller, job) ? { ...job } : undefined;
  }

  /** The jobs `caller` may see, newest first. */
  list(caller: Caller): TrainingJob[] {
    return [...this.entries.values()]
      .filter((entry) => mayControl(caller, entry.job))
      .map((entry) => ({ ...entry.job }))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Whether this process has a job queued or running (a worker claims one job at a time). */
  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  /** Runs a job claimed from its record (JobRecords.adopt), written to this process's output folder. */
  adopt(job: TrainingJob, options: TrainOptions): void {
    const entry: Entry = { job: { ...job }, options: { ...options, out: this.options.outputFolder?.(job.id) ?? options.out } };
    this.entries.set(job.id, entry);
    this.queue.push(entry);
    this.pump();
  }

  /** `get`, or else the job's shared record: any replica answers for any job. */
  async lookup(id: string, caller: Caller): Promise<TrainingJob | undefined> {
    const job = this.get(id, caller) ?? (await this.options.records?.read(id))?.job;
    return job && mayControl(caller, job) ? { ...job } : undefined;
  }

  /** The shared records `caller` may see (this process's own jobs among them), newest first; `list` without records. */
  async listAll(caller: Caller): Promise<TrainingJob[]> {
    if (!this.options.records) return this.list(caller);
    return (await this.options.records.list()).map((record) => ({ ...record.job })).filter((job) => mayControl(caller, job));
  }

  /** The job's events: from memory when this process runs it, else polled from its record. Undefined: no such job of the caller's. */
  async watch(id: string, caller: Caller): Promise<AsyncIterableIterator<TrainingJobEvent> | undefined> {
    if (this.get(id, caller)) return this.events.watch(id);
    const { records } = this.options;
    if (!records || !(await this.lookup(id, caller))) return undefined;
    return watchRecord(records, id, this.options.recordPollMs ?? 500, this.closing.signal);
  }

  /**
   * Stops a queued or running job of the caller's (any, for an admin), wherever it runs (another replica's
   * through its record): CANCELLED, nothing written. A job that already ended is returned as it is.
   */
  async cancel(id: string, caller: Caller): Promise<TrainingJob> {
    const entry = this.entries.get(id);
    const record = entry ? undefined : await this.options.records?.read(id);
    const job = entry?.job ?? record?.job;
    if (!job || !mayControl(caller, job)) throw jobNotFound(id);
    const reason = cancelReason(caller, job);
    if (entry) this.stopHere(entry, reason);
    if (!record || job.finishedAt || !this.options.records) return { ...job };
    return this.options.records.cancelElsewhere(record, reason, cancelledJob(job, reason, this.options.production ?? false));
  }

  /** Cancels a job this process has: out of the queue, or its worker closed (run() then ends without writing). */
  private stopHere(entry: Entry, reason: string): void {
    if (entry.job.status === 'QUEUED') this.queue.splice(this.queue.indexOf(entry), 1);
    else if (entry.job.status === 'RUNNING') entry.stop?.('CANCELLED', reason);
    else return;
    this.finish(entry, 'CANCELLED', new JobStopped('CANCELLED', reason).failure);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue.splice(0)) {
      const reason = 'the gateway shut down before the job started';
      this.finish(entry, 'FAILED', { code: ErrorCode.ShuttingDown, detail: reason, safeMessage: reason });
    }
    await this.running?.worker?.close();
    this.events.close();
    this.closing.abort();
    await this.options.records?.close();
  }

  /** One job per model id at a time, and room in the queue for the caller: refused at once otherwise. */
  private checkAdmission(modelId: string, caller: Caller): void {
    const active = [...this.entries.values()].map((entry) => entry.job).filter(isActive);
    checkAdmission(active, modelId, caller, this.options);
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.run(next)
      .catch((error: unknown) => {
        if (error instanceof JobStopped) this.finish(next, error.status, error.failure);
        else this.finish(next, 'FAILED', error instanceof FailedInWorker ? error.failure : trainingFailureOf(error));
      })
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async run(entry: Entry): Promise<void> {
    const { job } = entry;
    job.status = 'RUNNING';
    job.startedAt = new Date();
    entry.eta = new TrainingEta(epochPlanFor(entry.options), job.startedAt.getTime());
    this.events.publish(job, 'STATUS');
    const worker = WorkerChannel.spawn<TrainingProtocol>(path.join(__dirname, 'training.worker'), undefined, {
      name: 'training worker',
      onEvent: (progress) => this.onProgress(entry, progress),
    });
    entry.worker = worker;
    // A promise settles once: a late 'exit' after 'done' or 'failed' changes nothing.
    let deadline: NodeJS.Timeout | undefined;
    const result = await new Promise<TrainResult>((resolve, reject) => {
      entry.stop = (status, reason) => reject(new JobStopped(status, reason));
      if (this.options.jobTimeoutMs) {
        const seconds = Math.round(this.options.jobTimeoutMs / 1000);
        deadline = setTimeout(() => entry.stop?.('FAILED', `the job ran longer than TRAINING_JOB_TIMEOUT_S (${seconds} s) and was stopped`), this.options.jobTimeoutMs);
      }
      worker.call('train', entry.options).then((outcome) => ('failure' in outcome ? reject(new FailedInWorker(outcome.failure)) : resolve(outcome.result)), reject);
    }).finally(() => {
      clearTimeout(deadline);
      entry.stop = undefined;
      return worker.close();
    });
    if (job.finishedAt) return; // cancelled while the worker was finishing: nothing is served
    job.evaluation = result.evaluation;
    job.backbone = result.backbone.id;
    await this.options.register?.(job.modelId, entry.options.out);
    this.finish(entry, 'SUCCEEDED');
    log.info(
      {
        job: job.id,
        model: job.modelId,
        accuracy: result.evaluation.accuracy,
        seconds: result.seconds.total,
        failures: result.failures.length,
        failed: result.failures.slice(0, 20),
      },
      'model trained',
    );
  }

  private onProgress({ job, eta }: Entry, progress: TrainProgress): void {
    const previousStage = job.stage;
    applyProgress(job, progress, eta!);
    this.events.progressed(job, progress, previousStage);
  }

  private finish(entry: Entry, status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED', failure?: TrainingFailure): void {
    const { job } = entry;
    if (job.finishedAt) return; // a job ends once (a cancelled run still unwinds)
    job.status = status;
    job.finishedAt = new Date();
    job.etaSeconds = undefined;
    if (status === 'SUCCEEDED') job.progress = 1;
    if (failure) {
      job.error = jobErrorMessage(failure, job.id, this.options.production ?? false);
      job.errorCode = failure.code;
      log.warn(
        { job: job.id, model: job.modelId, owner: job.owner, status, code: failure.code, error: failure.detail },
        status === 'CANCELLED' ? 'training job cancelled' : 'training job failed',
      );
    }
    entry.worker = undefined;
    this.events.publish(job, 'STATUS');
    this.forgetOldJobs();
  }

  private forgetOldJobs(): void {
    const finished = [...this.entries.values()].filter((entry) => entry.job.finishedAt);
    for (const entry of finished.slice(0, Math.max(0, finished.length - (this.options.keepFinished ?? DEFAULT_KEEP_FINISHED)))) {
      this.entries.delete(entry.job.id);
      this.events.forget(entry.job.id);
    }
  }
}
