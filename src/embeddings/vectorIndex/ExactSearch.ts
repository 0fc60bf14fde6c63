import { cosineTopK, type TopK } from '../cosineTopK';
import type { VectorSearch } from './VectorSearch';

/** Every row scored: exact, and for small sets (below EMBEDDINGS_INDEX_MIN_ROWS) fast enough. */
export class ExactSearch implements VectorSearch {
  readonly kind = 'exact';

  constructor(
    private readonly matrix: Float32Array,
    readonly size: number,
    private readonly dim: number,
  ) {}

  search(query: Float32Array, k: number): TopK {
    return cosineTopK(this.matrix, this.size, this.dim, query, k);
  }
}
