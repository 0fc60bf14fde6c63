import { hasScope, type Caller } from '../auth/caller';
import { ErrorCode, GatewayError, inputPrefix, quoteInput } from '../errors';
import { withEpoch } from './epochReport';
import type { TrainProgress } from './trainClassifier';
import type { TrainingEta } from './trainingEta';
import { jobErrorMessage, type TrainingFailure } from './trainingFailure';
import type { TrainingJob } from './trainingJob';

/** A running job ended from outside: cancelled, or past its deadline. */
export class JobStopped extends Error {
  readonly failure: TrainingFailure;

  constructor(
    readonly status: 'FAILED' | 'CANCELLED',
    message: string,
  ) {
    super(message);
    this.failure = { code: status === 'CANCELLED' ? ErrorCode.TrainingCancelled : ErrorCode.TrainingTimeout, detail: message, safeMessage: message };
  }
}

/** A failure the worker already described. */
export class FailedInWorker extends Error {
  constructor(readonly failure: TrainingFailure) {
    super(failure.detail);
  }
}

/** Why a cancel ended a job: said to its owner as who did it. */
export function cancelReason(caller: Caller, job: TrainingJob): string {
  return `cancelled by ${caller.id === job.owner ? 'its owner' : 'an administrator'}`;
}

/** The job as a cancel ends it (the record another replica's cancel writes), with the error a local cancel gives. */
export function cancelledJob(job: TrainingJob, reason: string, production: boolean): TrainingJob {
  const failure = new JobStopped('CANCELLED', reason).failure;
  return { ...job, status: 'CANCELLED', finishedAt: new Date(), etaSeconds: undefined, error: jobErrorMessage(failure, job.id, production), errorCode: failure.code };
}

/** Its owner and admins see and control a job; nobody else learns it exists. */
export function mayControl(caller: Caller, job: TrainingJob): boolean {
  return job.owner === caller.id || hasScope(caller, 'admin');
}

const JOB_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Job ids are UUIDs: anything else is the client's mistake, said as such (quoting a short prefix of it). */
export function assertJobId(id: string): void {
  if (!JOB_ID.test(id))
    throw new GatewayError(ErrorCode.BadUserInput, `\`id\` must be a training job id (a UUID, as trainModel returned it), got ${quoteInput(id)}.`, { argument: 'id' });
}

/** The same answer for an unknown id and for someone else's job: ids are not probed for existence. */
export function jobNotFound(id: string): GatewayError {
  return new GatewayError(ErrorCode.TrainingJobNotFound, `No training job ${quoteInput(id)} of yours (finished jobs are kept until 100 newer ones have finished).`, {
    id: inputPrefix(id),
  });
}

/**
 * One job per model id at a time, and room in the queue (`queueMax`) and in the caller's share of it
 * (`queueMaxPerCaller`), counted over `active` (the queued and running jobs): refused at once otherwise.
 */
export function checkAdmission(active: TrainingJob[], modelId: string, caller: Caller, limits: { queueMax?: number; queueMaxPerCaller?: number }): void {
  const perCaller = limits.queueMaxPerCaller ?? Number.POSITIVE_INFINITY;
  if (active.filter((job) => job.owner === caller.id).length >= perCaller) {
    throw new GatewayError(ErrorCode.RateLimited, `You already have ${perCaller} training jobs queued or running; wait for one to finish or cancel one.`, {
      retryAfterSeconds: 60,
    });
  }
  const max = limits.queueMax ?? Number.POSITIVE_INFINITY;
  if (active.length >= max) {
    throw new GatewayError(ErrorCode.Overloaded, `The training queue is full (${max} jobs queued or running); retry later.`, { retryAfterSeconds: 60 });
  }
  if (active.some((job) => job.modelId === modelId)) {
    throw new GatewayError(ErrorCode.BadUserInput, `A job is already training model ${quoteInput(modelId)}; wait for it or cancel it.`, { argument: 'modelId' });
  }
}

/**
 * A progress report from the training thread, applied to the job: stage, progress, epoch figures (loss
 * only from finished epochs, so the job's loss is always its history's last), history, ETA.
 */
export function applyProgress(job: TrainingJob, progress: TrainProgress, eta: TrainingEta, now = Date.now()): void {
  job.stage = progress.stage;
  job.progress = progress.progress;
  if (progress.epoch) {
    job.epoch = progress.epoch.epoch;
    job.epochs = progress.epoch.epochs;
    job.loss = progress.epoch.loss;
    job.validationAccuracy = progress.epoch.validationAccuracy;
    job.history = withEpoch(job.history, progress.epoch);
  }
  job.etaSeconds = eta.update(progress, now);
}
