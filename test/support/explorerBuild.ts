import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
export const EXPLORER_DIST = path.join(root, 'dist', 'web');

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

/**
 * Builds the explorer (vite only; `npm run build:web` also type-checks) when dist/web is missing or
 * older than its sources, so the browser test never runs against a stale bundle.
 */
export function ensureExplorerBuilt(): void {
  const index = path.join(EXPLORER_DIST, 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.mts'].map((p) => path.join(root, p));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', timeout: 120_000 });
}
