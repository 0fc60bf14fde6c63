import type { RuntimeKind, RuntimePreference } from '../runtime/types';
import type { BackboneInfo, BackboneSource } from './Backbone';

/** Messages between a BackboneThread (main thread) and its worker. Every request carries an id its reply repeats. */

export interface BackboneThreadData {
  source: BackboneSource;
  /** The runtime choice (INFERENCE_RUNTIME) and the conversion's cache folder (`<MODELS_DIR>/.onnx-cache`). */
  runtime?: RuntimePreference;
  onnxCacheDir?: string;
}

export type BackboneRequest = { type: 'embed'; id: number; pixels: Uint8Array; count: number };

export type BackboneReply =
  | { type: 'ready'; info: BackboneInfo; backend: string; runtime: RuntimeKind; fallbackReason?: string }
  | { type: 'fatal'; message: string }
  | { type: 'ok'; id: number; result?: Float32Array }
  | { type: 'failed'; id: number; message: string };
