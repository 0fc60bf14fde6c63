import { normalize } from './cosineTopK';
import { METADATA_KEYS, type VectorColumn } from './embeddingsParquet';
import { projectPca, type PcaModel } from './pca';
import { loadPca } from './pcaMetadata';

/**
 * The vectors a file is searched by: its `pca` projection when it has one (a few dozen floats per image
 * instead of the backbone's 1280, so a million images fit in a few hundred MB), else the raw
 * `embedding`. A query's embedding is taken into the same space (projected with the file's own PCA
 * basis) and scaled to unit length, so that cosine similarity is a dot product.
 */
export interface SearchSpace {
  column: VectorColumn;
  /** Length of the backbone's embedding a query must have. */
  embeddingDim?: number;
  toQuery(embedding: Float32Array): Float32Array;
}

export function searchSpaceOf(metadata: Record<string, string>): SearchSpace {
  const stored = metadata[METADATA_KEYS.pca];
  if (!stored) return { column: 'embedding', toQuery: (embedding) => normalize(Float32Array.from(embedding)) };
  const model: PcaModel = loadPca(stored);
  return {
    column: 'pca',
    embeddingDim: model.dim,
    toQuery: (embedding) => {
      if (embedding.length !== model.dim) throw new Error(`the backbone gives ${embedding.length} values, the file's PCA expects ${model.dim}`);
      return normalize(projectPca(model, embedding, 1));
    },
  };
}
