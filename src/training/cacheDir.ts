import path from 'node:path';
import { userCacheHome } from '../config';

/** The CLI's default embedding cache: $XDG_CACHE_HOME/openimages-gateway/embeddings (~/.cache by default). */
export function defaultCacheDir(env?: NodeJS.ProcessEnv): string {
  return path.join(userCacheHome(env), 'openimages-gateway', 'embeddings');
}
