import type { ModelPlan, RuntimeKind } from '../runtime/types';

/** Messages between the InferencePool (main thread) and an inference worker. Every request carries an id its reply repeats. */

/** Set once per worker, as its workerData. */
export interface InferenceWorkerData {
  /** ONNX Runtime's intra-op threads per session. */
  onnxThreads: number;
  /** The pool's largest batch: each model's input tensor is allocated at this size. */
  maxBatch: number;
}

export type WorkerRequest =
  | { type: 'load'; id: number; key: string; plan: ModelPlan }
  | { type: 'unload'; id: number; key: string }
  | { type: 'predict'; id: number; key: string; pixels: Uint8Array; count: number }
  | { type: 'stats'; id: number };

export interface LoadedReply {
  inputSize: number;
  labels: number;
  runtime: RuntimeKind;
  /** The runtime's backend: `onnxruntime-cpu`, `wasm` or `tensorflow`. */
  backend: string;
  /** Why TF.js serves it although ONNX Runtime was wanted. */
  fallbackReason?: string;
}

export interface PredictReply {
  scores: Float32Array;
  seconds: number;
}

export interface WorkerStats {
  threadId: number;
  backend: string;
  numTensors: number;
  numBytes: number;
  heapUsedBytes: number;
  models: string[];
  /** Runtime of each model, by key. */
  runtimes: Record<string, RuntimeKind>;
}

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'fatal'; message: string }
  | { type: 'ok'; id: number; result?: LoadedReply | PredictReply | WorkerStats }
  | { type: 'failed'; id: number; message: string };
