import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ensureExplorerBuilt } from './support/explorerBuild';

/**
 * Builds dist/ once before the suites that run real processes (the server entry point, the
 * example client, CLI scripts), and the web explorer (dist/web) when its sources changed, once for
 * the browser suites that run in parallel. Type errors do not stop the emit; `npm run typecheck` reports them.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const output = String((error as { stdout?: Buffer }).stdout ?? '');
    // eslint-disable-next-line no-console
    console.warn(`tsc reported errors while building dist/ for the tests:\n${output.slice(0, 4000)}`);
  }
  try {
    ensureExplorerBuilt();
  } catch (error) {
    // eslint-disable-next-line no-console
    console.warn(`vite could not build the web explorer for the tests: ${String(error).slice(0, 2000)}`);
  }
}
