import os from 'node:os';
import path from 'node:path';

/** The CLI's default embedding cache: $XDG_CACHE_HOME/openimages-gateway/embeddings (~/.cache by default). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'openimages-gateway', 'embeddings');
}
