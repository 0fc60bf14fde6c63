import { badUserInput, ErrorCode, GatewayError } from '../errors';
import { admitUploads, readImage, type UploadArg } from '../models/uploadStage';
import type { EmbeddingIndex } from './EmbeddingIndex';
import type { SimilarMatch } from './vectorIndex/VectorSearch';

export const MAX_SIMILAR = 1000;

/** `similarImages`: the upload read through the upload stage (drained when refused), then searched in the EMBEDDINGS index. */
export async function similarImages(index: EmbeddingIndex | undefined, file: UploadArg, first: number, maxUploadBytes: number): Promise<SimilarMatch[]> {
  const search = admitUploads([file], () => {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SIMILAR) {
      throw badUserInput(`\`first\` must be between 1 and ${MAX_SIMILAR}.`, { argument: 'first' });
    }
    if (!index) {
      throw new GatewayError(ErrorCode.EmbeddingsUnavailable, 'Similarity search is off: set EMBEDDINGS to a Parquet file written by `npm run embed` and restart.');
    }
    return index;
  });
  const bytes = await readImage(file, maxUploadBytes);
  return search.similar(bytes, first);
}
