import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { ModelPlan, RuntimeKind } from '../runtime/types';
import type { ImageInput } from './decodeImage';
import type { GatewayMarker } from './gatewayMarker';
import type { ModelSpec } from './modelFolder';
import type { ModelInfo } from './types';

/** One loaded version of a model, as the registry serves it. */
export interface ModelEntry {
  id: string;
  /** The repository version (`<id>/<version>/`); null for MODEL_DIR, the shipped model, or a folder without versions. */
  version: number | null;
  /** Read from the model repository (and so removed when it disappears from it), rather than configured. */
  fromRepository: boolean;
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
  'or put model folders in the model repository (MODEL_REPOSITORY, default MODELS_DIR, ./models: e.g. with `npm run model:download` or `npm run train`); replicas read it every MODEL_REPOSITORY_POLL_S.';

/** `id` or `id@version` (TF Serving's explicit version), as `classify(model:)` takes it. */
export function parseModelRef(ref: string): { id: string; version?: number } {
  const match = /^(.+)@([1-9][0-9]{0,15})$/.exec(ref);
  return match ? { id: match[1], version: Number(match[2]) } : { id: ref };
}

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
  if (entry.version !== null) info.version = entry.version;
  if (entry.fallbackReason !== undefined) info.runtimeFallbackReason = entry.fallbackReason;
  if (entry.marker?.owner) info.owner = entry.marker.owner;
  if (entry.spec.evaluation !== undefined) info.evaluation = entry.spec.evaluation;
  return info;
}

/** A model found and not loadable, as `models` lists it: its error, no labels. */
export function describeFailure(id: string, error: string, isDefault: boolean, backend: string): ModelInfo {
  return { id, status: 'FAILED', error, isDefault, labels: [], inputSize: 0, backend, runtime: 'TFJS_WASM', trained: false };
}

/** The detail (a library's words, a file name) is logged; in production the client is told only where to look. */
export function loadFailure(id: string, error: unknown, production: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  logger.child({ component: 'models' }).error({ model: id, err: error }, 'model could not be loaded');
  const message = production ? `Model "${id}" could not be loaded (see the gateway log).` : `Model "${id}" could not be loaded: ${(error as Error).message}`;
  return new GatewayError(ErrorCode.ModelUnavailable, message, { modelId: id }, { cause: error });
}
