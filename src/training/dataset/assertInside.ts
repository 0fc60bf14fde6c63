import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SourceRefusedError } from './types';

/**
 * Refuses a path that leaves `root`, through ".." or through a symbolic link, and returns its real path.
 * `what` may name the path (logs); `safeWhat` must not (clients of a production gateway).
 */
export async function assertInside(root: string, target: string, what: string, safeWhat = 'a path'): Promise<string> {
  const realRoot = await fs.realpath(root);
  const real = await fs.realpath(target).catch(() => path.resolve(target));
  if (!isInside(realRoot, real)) throw new SourceRefusedError(`${what} is outside the training data root`, `${safeWhat} resolves outside TRAINING_DATA_ROOT`);
  return real;
}

export function isInside(realRoot: string, real: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);
}

/** Every file and folder below `dir` (symbolic links resolved) must lie inside `root`: for small folders such as a backbone's. */
export async function assertTreeInside(root: string, dir: string, safeWhat: string): Promise<void> {
  const realRoot = await fs.realpath(root);
  const walk = async (current: string, depth: number): Promise<void> => {
    const real = await fs.realpath(current);
    if (!isInside(realRoot, real))
      throw new SourceRefusedError(`${current} (in ${safeWhat}) is outside the training data root`, `${safeWhat} holds a file that resolves outside TRAINING_DATA_ROOT`);
    const stat = await fs.stat(real);
    if (!stat.isDirectory() || depth > 4) return;
    for (const name of await fs.readdir(real)) await walk(path.join(current, name), depth + 1);
  };
  await walk(dir, 0);
}
