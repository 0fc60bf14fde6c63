import type { TrainOptions, TrainProgress, TrainResult } from './trainClassifier';
import type { TrainingFailure } from './trainingFailure';

/** A training job's worker thread (training.worker.ts): one `train` call, progress events on the way. */
export interface TrainingProtocol {
  data: undefined;
  ready: undefined;
  methods: { train: { payload: TrainOptions; result: TrainingOutcome } };
  events: TrainProgress;
}

/** A failure comes back described (code, detail, safe message), not as a bare message. */
export type TrainingOutcome = { result: TrainResult } | { failure: TrainingFailure };
