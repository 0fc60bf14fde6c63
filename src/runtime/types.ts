/**
 * The runtimes a model can be served by, behind one interface: ONNX Runtime (native, onnxruntime-node)
 * for every model that has an ONNX form, TF.js (wasm) for the rest.
 */

/** How the API names a runtime (`Model.runtime`). */
export type RuntimeKind = 'ONNX' | 'TFJS_WASM';

/** INFERENCE_RUNTIME: `auto` uses ONNX Runtime whenever the model has an ONNX form; `onnx` refuses models without one; `tfjs` keeps TF.js folders on TF.js. */
export type RuntimePreference = 'auto' | 'onnx' | 'tfjs';

/** Memory order of one image in the input tensor: [N, H, W, 3] (TF.js, TFLite, most Keras exports) or [N, 3, H, W] (PyTorch exports). */
export type InputLayout = 'NHWC' | 'NCHW';

/** Where an ONNX model comes from: the folder's own `model.onnx`, or the bytes a converter made of a TF.js folder. */
export type OnnxSource = { kind: 'file'; path: string } | { kind: 'bytes'; bytes: Uint8Array };

/** What a runtime loads. */
export type ModelSource = { kind: 'onnx'; onnx: OnnxSource } | { kind: 'tfjs'; dir: string };

/** Hints a runtime uses where the model itself does not say (a symbolic input size). */
export interface LoadHints {
  inputSize?: number;
}

/** A model loaded in one runtime, in one thread. */
export interface ModelSession {
  readonly runtime: RuntimeKind;
  /** The runtime's own backend name: `onnxruntime-cpu`, `wasm` or `tensorflow` (tfjs-node). */
  readonly backend: string;
  /** Square input size in pixels. */
  readonly inputSize: number;
  readonly layout: InputLayout;
  /** Output values per image, when the model says so. */
  readonly outputs?: number;
  /**
   * The first output of `count` images packed in `batch` (normalised floats, `layout` order; the array may
   * be longer than count images): count × outputs values, row-major, in a fresh array.
   */
  predict(batch: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface ModelRuntime {
  readonly kind: RuntimeKind;
  load(source: ModelSource, hints?: LoadHints): Promise<ModelSession>;
}

/** What the inference workers are told to load for one model, decided once in the main thread (see modelPlan.ts). */
export interface ModelPlan {
  /** The model folder (labels, preprocessing; the TF.js model when there is no ONNX form). */
  dir: string;
  /** The ONNX form to serve, if any. */
  onnx?: OnnxSource;
  /** Why a TF.js folder is served by TF.js (no ONNX form): kept and listed by `models`. */
  fallbackReason?: string;
  /**
   * When the ONNX form came from a converter and ONNX Runtime cannot load it, serve the TF.js folder
   * instead (true) or fail the load (false: INFERENCE_RUNTIME=onnx, or a folder with only model.onnx).
   */
  tfjsFallback: boolean;
}
