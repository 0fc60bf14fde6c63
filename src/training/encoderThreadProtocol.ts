import type { BackboneSource } from '../backbone/Backbone';

/** Messages between an EncoderPool and its threads. */
export interface EncoderThreadData {
  source: BackboneSource;
  /** The layer whose raw output to return; unset: the pooled embedding. */
  layer?: string;
}

export interface EncoderRequest {
  id: number;
  pixels: Uint8Array;
  count: number;
}

export type EncoderReply =
  { type: 'ready' } | { type: 'fatal'; message: string } | { type: 'ok'; id: number; values: Float32Array } | { type: 'failed'; id: number; message: string };
