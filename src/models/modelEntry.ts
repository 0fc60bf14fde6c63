import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { ModelPlan, RuntimeKind } from '../runtime/types';
import type { ImageInput } from './decodeImage';
import type { GatewayMarker } from './gatewayMarker';
import type { ModelSpec } from './modelFolder';
import type { ModelInfo } from './types';

const log = logger.child({ component: 'models' });

/** One served model version as the ModelRegistry holds it, how it is described to clients, and why one could not be loaded. */
export interface ModelEntry {
  id: string;
  dir: string;
  /** Present when the gateway wrote the folder (a trained model): who owns it. */
  marker?: GatewayMarker;
  /** Unique per loaded version, so a reload never mixes one version's scores with another's labels. */
  key: string;
  spec: ModelSpec;
  inputSize: number;
  /** What decodeImage makes of an upload for this model: its input size and crop. */
  input: ImageInput;
  backend: string;
  runtime: RuntimeKind;
  fallbackReason?: string;
  plan: ModelPlan;
  pendingRequests: number;
  retired: boolean;
}

export const NO_MODEL_MESSAGE =
  'No image model is served. The gateway ships one in default-model/ (served when MODEL_DIR is unset, unless DEFAULT_MODEL=none); ' +
  'or set MODEL_DIR to a TensorFlow.js model folder (model.json, weight shards, metadata.json with the labels) or an ONNX one (model.onnx and labels.txt or metadata.json), ' +
  'or put model folders in MODELS_DIR (default ./models, e.g. with `npm run model:download` or `npm run train`), then restart the gateway.';

export function describe(entry: ModelEntry, isDefault: boolean): ModelInfo {
  const info: ModelInfo = {
    id: entry.id,
    status: 'READY',
    isDefault,
    labels: [...entry.spec.labels],
    inputSize: entry.inputSize,
    backend: entry.backend,
    runtime: entry.runtime,
    trained: entry.marker !== undefined,
  };
  if (entry.fallbackReason !== undefined) info.runtimeFallbackReason = entry.fallbackReason;
  if (entry.marker?.owner) info.owner = entry.marker.owner;
  if (entry.spec.evaluation !== undefined) info.evaluation = entry.spec.evaluation;
  return info;
}

/** The detail (a library's words, a file name) is logged; in production the client is told only where to look. */
export function loadFailure(id: string, error: unknown, production: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  log.error({ model: id, err: error }, 'model could not be loaded');
  const message = production ? `Model "${id}" could not be loaded (see the gateway log).` : `Model "${id}" could not be loaded: ${(error as Error).message}`;
  return new GatewayError(ErrorCode.ModelUnavailable, message, { modelId: id }, { cause: error });
}
