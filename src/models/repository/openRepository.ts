import type { GatewayConfig } from '../../config';
import { FolderRepository } from './FolderRepository';
import type { ModelRepository } from './ModelRepository';

/** MODEL_REPOSITORY (a folder, or gs://bucket/prefix), else MODELS_DIR as a folder repository: a single gateway works as it always did. */
export function openRepository(config: Pick<GatewayConfig, 'modelsDir' | 'replicas'>): ModelRepository {
  const location = config.replicas.modelRepository ?? config.modelsDir;
  return new FolderRepository(location);
}
