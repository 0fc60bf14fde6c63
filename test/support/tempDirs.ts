import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where created folders are listed for the test environment to remove (test/support/tempDirEnvironment.cjs). */
const REGISTRY = '__testTempDirs';

/**
 * A new folder in the system temp directory, removed when the test file ends (after every afterAll,
 * so gateways and workers that use it are closed first): test runs leave nothing behind in /tmp.
 */
export function testTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const registry = globalThis as { [REGISTRY]?: string[] };
  (registry[REGISTRY] ??= []).push(dir);
  return dir;
}
