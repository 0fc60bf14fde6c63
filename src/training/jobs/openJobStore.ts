import path from 'node:path';
import type { GatewayConfig } from '../../config';
import { FolderJobStore } from './FolderJobStore';
import type { JobStore } from './JobStore';

/** Job records live beside the models, in the repository's `.jobs/` (a dot name: never taken for a model). */
export function openJobStore(config: Pick<GatewayConfig, 'modelsDir' | 'replicas'>): JobStore {
  const location = config.replicas.modelRepository ?? config.modelsDir;
  return new FolderJobStore(path.join(path.resolve(location), '.jobs'));
}
