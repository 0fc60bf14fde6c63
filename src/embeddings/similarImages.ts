import type { FileUpload } from 'graphql-upload-minimal';
import { badUserInput, ErrorCode, GatewayError } from '../errors';
import { readUpload } from '../uploads';
import type { EmbeddingIndex } from './EmbeddingIndex';
import type { SimilarMatch } from './vectorIndex/VectorSearch';

export const MAX_SIMILAR = 1000;

/** `similarImages`: the upload read within the byte limit, then searched in the EMBEDDINGS index. */
export async function similarImages(index: EmbeddingIndex | undefined, file: Promise<FileUpload> | FileUpload, first: number, maxUploadBytes: number): Promise<SimilarMatch[]> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_SIMILAR) {
    throw badUserInput(`\`first\` must be between 1 and ${MAX_SIMILAR}.`, { argument: 'first' });
  }
  if (!index) {
    throw new GatewayError(ErrorCode.EmbeddingsUnavailable, 'Similarity search is off: set EMBEDDINGS to a Parquet file written by `npm run embed` and restart.');
  }
  const { bytes } = await readUpload(file, maxUploadBytes);
  return index.similar(bytes, first);
}
