import path from 'node:path';

/** Where the web explorer is built (`npm run build:web`; test/globalSetup.ts builds it when stale). */
export const EXPLORER_DIST = path.join(path.resolve(__dirname, '..', '..'), 'dist', 'web');
