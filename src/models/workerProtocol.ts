/** Messages between the InferencePool (main thread) and an inference worker. Every request carries an id its reply repeats. */

export type WorkerRequest =
  | { type: 'load'; id: number; key: string; dir: string }
  | { type: 'unload'; id: number; key: string }
  | { type: 'predict'; id: number; key: string; pixels: Uint8Array; count: number }
  | { type: 'stats'; id: number };

export interface LoadedReply {
  inputSize: number;
  labels: number;
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
}

export type WorkerReply =
  | { type: 'ready'; backend: string }
  | { type: 'fatal'; message: string }
  | { type: 'ok'; id: number; result?: LoadedReply | PredictReply | WorkerStats }
  | { type: 'failed'; id: number; message: string };
