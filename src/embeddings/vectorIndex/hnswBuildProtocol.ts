/** Messages of the thread that builds an HNSW index file (hnswBuildThreadMain). */
export interface HnswBuildData {
  /** rows × dim unit vectors. */
  matrix: SharedArrayBuffer;
  rows: number;
  dim: number;
  /** Where to save the graph. */
  out: string;
  threads: number;
}

export type HnswBuildReply = { type: 'progress'; added: number } | { type: 'done' } | { type: 'failed'; message: string };
