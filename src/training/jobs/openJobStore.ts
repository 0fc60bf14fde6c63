import path from 'node:path';
import type { GatewayConfig } from '../../config';
import { openBucket, parseGcsLocation } from '../../models/repository/gcsBucket';
import { FolderJobStore } from './FolderJobStore';
import { GcsJobStore } from './GcsJobStore';
import type { JobStore } from './JobStore';

/** Job records live beside the models, in the repository's `.jobs/` (a dot name: never taken for a model). */
export function openJobStore(config: Pick<GatewayConfig, 'modelsDir' | 'replicas'>): JobStore {
  const location = config.replicas.modelRepository ?? config.modelsDir;
  if (location.startsWith('gs://')) {
    const { bucket, prefix } = parseGcsLocation(location);
    return new GcsJobStore(openBucket(bucket, config.replicas.gcsApiEndpoint), prefix);
  }
  return new FolderJobStore(path.join(path.resolve(location), '.jobs'));
}
