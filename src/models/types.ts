import type { ErrorCode } from '../errors';

/** A model the gateway serves (or found and could not load), as the API describes it. */
export interface ModelInfo {
  id: string;
  /** The repository version served (`<id>/<version>/`, the newest one); absent for a folder without versions. */
  version?: number;
  /** READY: served. FAILED: found at start but not loadable; `error` says why, labels are empty, inputSize 0. */
  status: 'READY' | 'FAILED';
  error?: string;
  /** The model `classify` uses when no `model` argument is given. */
  isDefault: boolean;
  labels: string[];
  inputSize: number;
  /** Backend running it: 'onnxruntime-cpu' (ONNX Runtime), else the TF.js backend, 'tensorflow' (tfjs-node) or 'wasm'. */
  backend: string;
  /** The runtime serving it. */
  runtime: 'ONNX' | 'TFJS_WASM';
  /** Why a TF.js model is served by TF.js rather than ONNX Runtime (no converter, an unsupported layer...). */
  runtimeFallbackReason?: string;
  /** Written by the gateway's training (its folder holds the gateway marker): only such models are ever replaced or deleted. */
  trained: boolean;
  /** The caller that trained it (Caller.id), when known. */
  owner?: string;
  /** Whatever the model's metadata.json holds under `evaluation` (e.g. accuracy written by training). */
  evaluation?: unknown;
}

/** One label of one image. `mid` is the Knowledge Graph / Open Images id when the source knows it. */
export interface Prediction {
  name: string;
  score: number;
  mid?: string;
}

export interface ImageFailure {
  code: ErrorCode;
  message: string;
}

/** What happened to one image of a request: its labels, or why it has none. */
export type ImageOutcome = { labels: Prediction[]; error?: undefined } | { labels?: undefined; error: ImageFailure };

export interface LabelOptions {
  minConfidence: number;
  maxResults: number;
}
