export { ModelRegistry, NO_MODEL_MESSAGE } from './ModelRegistry';
export type { ImageFailure, ImageOutcome, LabelOptions, ModelInfo, Prediction } from './types';
export { decodeImage, ACCEPTED_FORMATS } from './decodeImage';
export { readModelSpec, type ModelSpec } from './modelFolder';
