import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds dist/ and the web explorer (dist/web) before the suites that run real processes or a browser,
 * each only when its sources changed since its last build (as `npm start` does), once for the suites
 * that run in parallel. Build errors do not stop the tests; `npm run typecheck` reports them.
 */
export default function globalSetup(): void {
  const root = path.resolve(__dirname, '..');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'support', 'runBuilt.cjs'), '--prepare'], { cwd: root, encoding: 'utf8' });
  if (result.stderr.includes('failed')) {
    console.warn(`the build reported errors before the tests:\n${result.stderr.slice(0, 4000)}`);
  }
}
