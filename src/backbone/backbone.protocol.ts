import type { RuntimeKind, RuntimePreference } from '../runtime/types';
import type { BackboneInfo, BackboneSource } from './Backbone';

/** A backbone thread (backbone.worker.ts): it loads a backbone, then turns images into features. */
export interface BackboneProtocol {
  data: {
    source: BackboneSource;
    /** The runtime choice (INFERENCE_RUNTIME) and the conversion's cache folder (`<MODELS_DIR>/.onnx-cache`). */
    runtime?: RuntimePreference;
    onnxCacheDir?: string;
    /** Raw activations at this inner layer (training's fine-tuning cut), on TF.js; unset: the pooled features. */
    layer?: string;
  };
  ready: { info: BackboneInfo; backend: string; runtime: RuntimeKind; fallbackReason?: string };
  methods: {
    /** count × featureSize floats for `count` images of inputSize² RGB pixels. */
    embed: { payload: { pixels: Uint8Array; count: number }; result: Float32Array };
  };
  events: never;
}

export type BackboneThreadOptions = Omit<BackboneProtocol['data'], 'source'>;
