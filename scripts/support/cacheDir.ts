import path from 'node:path';
import { CLI, read } from '../../src/config';

/** The CLI's default embedding cache: $XDG_CACHE_HOME/openimages-gateway/embeddings (~/.cache by default). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(read(CLI.cacheHome, env), 'openimages-gateway', 'embeddings');
}
