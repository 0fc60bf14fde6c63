import os from 'node:os';
import path from 'node:path';
import { computed, textVariable } from '../spec';

/** Read by the command-line tools only (scripts/), never by the gateway. */
export const CLI = {
  cacheHome: textVariable(
    'XDG_CACHE_HOME',
    computed('`~/.cache`', () => path.join(os.homedir(), '.cache')),
    'Where `npm run train` caches embeddings (`openimages-gateway/embeddings` below it).',
  ),
};
