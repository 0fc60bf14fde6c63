import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DatasetError } from './types';

/** Refuses a path that leaves `root`, through ".." or through a symbolic link. */
export async function assertInside(root: string, target: string, what: string): Promise<string> {
  const realRoot = await fs.realpath(root);
  const real = await fs.realpath(target).catch(() => path.resolve(target));
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) throw new DatasetError(`${what} is outside the training data root`);
  return real;
}
