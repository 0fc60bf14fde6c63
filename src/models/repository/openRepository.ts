import path from 'node:path';
import type { GatewayConfig } from '../../config';
import { FolderRepository } from './FolderRepository';
import { GcsRepository } from './GcsRepository';
import { openBucket, parseGcsLocation } from './gcsBucket';
import type { ModelRepository } from './ModelRepository';

/**
 * MODEL_REPOSITORY (a folder, or gs://bucket/prefix), else MODELS_DIR as a folder repository: a single
 * gateway works as it always did. A Cloud Storage repository keeps its downloaded versions and training
 * staging in MODELS_DIR/.repository-cache.
 */
export function openRepository(config: Pick<GatewayConfig, 'modelsDir' | 'replicas'>): ModelRepository {
  const location = config.replicas.modelRepository ?? config.modelsDir;
  if (location.startsWith('gs://')) {
    const { bucket, prefix } = parseGcsLocation(location);
    return new GcsRepository(openBucket(bucket, config.replicas.gcsApiEndpoint), prefix, path.resolve(config.modelsDir, '.repository-cache'));
  }
  return new FolderRepository(location);
}
