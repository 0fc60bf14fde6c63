import type { BackboneInfo, BackboneSource } from './backbone/Backbone';

/** Messages between a BackboneThread (main thread) and its worker. Every request carries an id its reply repeats. */

export interface BackboneThreadData {
  source: BackboneSource;
}

export type BackboneRequest =
  | { type: 'embed'; id: number; pixels: Uint8Array; count: number }
  /** Hands the worker a matrix of unit row vectors to search (shared, not copied). */
  | { type: 'attach'; id: number; matrix: SharedArrayBuffer; rows: number; dim: number }
  | { type: 'search'; id: number; pixels: Uint8Array; k: number };

export interface SearchReply {
  indices: Int32Array;
  scores: Float32Array;
}

export type BackboneReply =
  | { type: 'ready'; info: BackboneInfo; backend: string }
  | { type: 'fatal'; message: string }
  | { type: 'ok'; id: number; result?: Float32Array | SearchReply }
  | { type: 'failed'; id: number; message: string };
