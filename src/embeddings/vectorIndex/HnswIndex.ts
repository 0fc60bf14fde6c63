import { Index, MetricKind, ScalarKind } from 'usearch';
import type { TopK } from '../cosineTopK';
import { HNSW_PARAMETERS } from './hnswParameters';
import { matchesOf, type IndexedImage, type SimilarMatch, type VectorSearch } from './VectorSearch';

/** A usearch HNSW graph over unit vectors; keys are row numbers, distances cosine distances. */
export class HnswIndex implements VectorSearch {
  readonly kind = 'hnsw';

  private constructor(
    private readonly index: Index,
    readonly size: number,
    private readonly images: readonly IndexedImage[],
  ) {}

  static create(dim: number, expansionSearch: number = HNSW_PARAMETERS.expansionSearch): Index {
    return new Index({
      dimensions: dim,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: HNSW_PARAMETERS.connectivity,
      expansion_add: HNSW_PARAMETERS.expansionAdd,
      expansion_search: expansionSearch,
      multi: false,
    });
  }

  /** Loads a saved graph into memory (a few hundred MB for a million 64-d rows); key r is `images[r]`. */
  static load(file: string, dim: number, images: readonly IndexedImage[], expansionSearch?: number): HnswIndex {
    const index = HnswIndex.create(dim, expansionSearch);
    index.load(file);
    return new HnswIndex(index, index.size(), images);
  }

  async nearest(query: Float32Array, k: number): Promise<SimilarMatch[]> {
    return matchesOf(this.images, this.search(query, k));
  }

  /** Row numbers and similarities, best first. */
  search(query: Float32Array, k: number): TopK {
    const matches = this.index.search(query, Math.min(k, this.size), 1);
    const found: number[] = [];
    for (let i = 0; i < matches.keys.length; i++) if (matches.keys[i] < BigInt(this.size)) found.push(i);
    return {
      indices: Int32Array.from(found, (i) => Number(matches.keys[i])),
      scores: Float32Array.from(found, (i) => 1 - matches.distances[i]),
    };
  }
}
