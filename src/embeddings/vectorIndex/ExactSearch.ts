import { cosineTopK, type TopK } from '../cosineTopK';
import { matchesOf, type IndexedImage, type SimilarMatch, type VectorSearch } from './VectorSearch';

/** Every row scored: exact, and for small sets (below EMBEDDINGS_INDEX_MIN_ROWS) fast enough. */
export class ExactSearch implements VectorSearch {
  readonly kind = 'exact';

  constructor(
    private readonly matrix: Float32Array,
    readonly size: number,
    private readonly dim: number,
    private readonly images: readonly IndexedImage[],
  ) {}

  async nearest(query: Float32Array, k: number): Promise<SimilarMatch[]> {
    return matchesOf(this.images, this.search(query, k));
  }

  /** Row numbers and similarities, best first. */
  search(query: Float32Array, k: number): TopK {
    return cosineTopK(this.matrix, this.size, this.dim, query, k);
  }
}
