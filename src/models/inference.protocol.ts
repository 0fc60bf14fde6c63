import type { ModelPlan, RuntimeKind } from '../runtime/types';

/** An inference worker (inference.worker.ts), as the InferencePool's workers speak to it. */
export interface InferenceProtocol {
  data: InferenceWorkerData;
  ready: { backend: string };
  methods: {
    load: { payload: { key: string; plan: ModelPlan }; result: LoadedReply };
    unload: { payload: { key: string }; result: void };
    predict: { payload: { key: string; pixels: Uint8Array; count: number }; result: PredictReply };
    stats: { payload: void; result: WorkerStats };
  };
  events: never;
}

/** Set once per worker, as its workerData. */
export interface InferenceWorkerData {
  /** ONNX Runtime's intra-op threads per session. */
  onnxThreads: number;
  /** The pool's largest batch: each model's input tensor is allocated at this size. */
  maxBatch: number;
}

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
