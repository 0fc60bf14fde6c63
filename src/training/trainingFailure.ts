import { ErrorCode } from '../errors';
import { DatasetError, SourceRefusedError } from './dataset/types';
import { ForeignModelError } from '../models/repository/foreignModel';
import { ForeignModelFolderError } from './writeModelFolder';

/** Why a training job failed: a stable code, the full detail (for the log) and a message without file contents or paths. */
export interface TrainingFailure {
  code: ErrorCode;
  detail: string;
  safeMessage: string;
}

export function trainingFailureOf(error: unknown): TrainingFailure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof SourceRefusedError) return { code: ErrorCode.TrainingSourceRefused, detail, safeMessage: `A training source was refused: ${error.safeMessage}` };
  if (error instanceof DatasetError) return { code: ErrorCode.TrainingDataInvalid, detail, safeMessage: `The training data could not be read: ${error.safeMessage}` };
  if (error instanceof ForeignModelFolderError || error instanceof ForeignModelError) {
    return {
      code: ErrorCode.BadUserInput,
      detail,
      safeMessage: 'A model folder under that id appeared that the gateway did not write; it was left as it is: choose another modelId',
    };
  }
  return { code: ErrorCode.InternalServerError, detail, safeMessage: 'Training failed' };
}

/**
 * The `error` a client sees of a failed job. In production never the detail (it may quote a file the job
 * was pointed at, or name absolute paths): the safe message and where the detail is.
 */
export function jobErrorMessage(failure: TrainingFailure, jobId: string, production: boolean): string {
  // Nothing withheld (a cancellation, a deadline): no need to send anyone to the log.
  if (!production || failure.safeMessage === failure.detail) return failure.detail;
  return `${failure.safeMessage} (see the gateway log, job ${jobId})`;
}
