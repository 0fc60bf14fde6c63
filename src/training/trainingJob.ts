import type { ErrorCode } from '../errors';
import type { EpochReport } from './epochReport';
import type { ModelEvaluation } from './evaluate';
import type { TrainStage } from './trainClassifier';

/** Where a training job is; the GraphQL enum (schema/training.ts) mirrors this list. */
export const TRAINING_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;

export type TrainingStatus = (typeof TRAINING_STATUSES)[number];

/** A training job as TrainingJobs keeps it and its events and the API show it. */
export interface TrainingJob {
  id: string;
  modelId: string;
  /** The caller that started it (Caller.id): only it and admins see the job, its events and its model. */
  owner: string;
  status: TrainingStatus;
  stage?: TrainStage;
  /** 0 to 1. */
  progress: number;
  /** The last finished epoch, over the whole run. */
  epoch?: number;
  /** Every epoch the run plans (head, fine-tuning, refit), from the moment it is accepted. */
  epochs: number;
  /** The last finished epoch's training loss (the mean over its batches, as `history` has it). */
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
  /**
   * Every finished epoch, in order (at most MAX_HISTORY). Kept on the job and in its shared record, not
   * copied into each event's `job` (TrainingJobEvents strips it): events stay small.
   */
  history?: EpochReport[];
}

/** The job as an event carries it: without its history. */
export function withoutHistory(job: TrainingJob): TrainingJob {
  const { history: _history, ...rest } = job;
  return rest;
}
