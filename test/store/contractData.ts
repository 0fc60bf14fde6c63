import fs from 'node:fs';
import path from 'node:path';

/**
 * The data the contract suite runs on: the real Open Images tables in ../shared when they are there,
 * otherwise (a clone elsewhere) the demo data shipped in src/store/demo, with a visible notice.
 */

export const repoRoot = path.resolve(__dirname, '..', '..');
export const sharedDataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'openimages');
export const demoDataDir = path.join(repoRoot, 'src', 'store', 'demo');

export function contractDataDir(suite: string): string {
  if (fs.existsSync(path.join(sharedDataDir, 'classes.csv'))) return sharedDataDir;
  console.warn(`[${suite}] ${sharedDataDir} is absent: the real-data contract run is skipped; running on the demo data in ${demoDataDir}`);
  return demoDataDir;
}
