import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ensureExplorerBuilt } from './support/explorerBuild';

/**
 * Builds dist/ before the suites that run real processes (the server entry point, the example client,
 * CLI scripts), only when the sources changed since the last build (as `npm start` does), and the web
 * explorer (dist/web) when its sources changed, once for the browser suites that run in parallel.
 * Type errors do not stop the tests; `npm run typecheck` reports them.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'support', 'runBuilt.cjs'), '--prepare'], { cwd: root, encoding: 'utf8' });
  if (result.stderr.includes('failed')) {
    // eslint-disable-next-line no-console
    console.warn(`tsc reported errors while building dist/ for the tests:\n${result.stderr.slice(0, 4000)}`);
  }
  try {
    ensureExplorerBuilt();
  } catch (error) {
    // eslint-disable-next-line no-console
    console.warn(`vite could not build the web explorer for the tests: ${String(error).slice(0, 2000)}`);
  }
}
