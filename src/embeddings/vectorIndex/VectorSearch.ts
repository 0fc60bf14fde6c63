import type { TopK } from '../cosineTopK';

/** An image of an embeddings set: where it is and its label, if the set has one. */
export interface IndexedImage {
  path: string;
  label: string | null;
}

export interface SimilarMatch extends IndexedImage {
  /** Cosine similarity, -1 to 1. */
  score: number;
}

/**
 * k-nearest-neighbour search over unit vectors, one contract for every way the gateway searches:
 * every row scored (ExactSearch), an HNSW graph (HnswIndex), or an embeddings table in BigQuery.
 */
export interface VectorSearch {
  readonly kind: 'exact' | 'hnsw' | 'bigquery';
  /** Rows held in this process (0 when they live in BigQuery). */
  readonly size: number;
  /** The `k` images nearest to `query` (unit length, in the set's search space), best first. */
  nearest(query: Float32Array, k: number): Promise<SimilarMatch[]>;
}

/** The images of a top-k given as row numbers (exact and HNSW search), best first. */
export function matchesOf(images: readonly IndexedImage[], { indices, scores }: TopK): SimilarMatch[] {
  return Array.from(indices, (row, i) => ({ ...images[row], score: scores[i] }));
}
