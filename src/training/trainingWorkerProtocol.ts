import type { TrainOptions, TrainProgress, TrainResult } from './trainClassifier';
import type { TrainingFailure } from './trainingFailure';

/** A training job's worker thread: started with its options, it reports progress, then one result. */
export interface TrainingWorkerData {
  options: TrainOptions;
}

export type TrainingWorkerMessage = { type: 'progress'; progress: TrainProgress } | { type: 'done'; result: TrainResult } | { type: 'failed'; failure: TrainingFailure };
