import type { TopK } from '../cosineTopK';

/** k-nearest-neighbour search over unit row vectors: row numbers and cosine similarities, best first. */
export interface VectorSearch {
  readonly kind: 'exact' | 'hnsw';
  readonly size: number;
  search(query: Float32Array, k: number): TopK;
}
