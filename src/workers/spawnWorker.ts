import fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Starts `<entry>.js` in a worker thread. Built code (dist/) has the .js file; when running from the
 * TypeScript sources (jest), the worker compiles the `.ts` files it requires with @swc/core.
 * `entry` is a path without extension.
 */
export function spawnWorker(entry: string, workerData: unknown): Worker {
  if (fs.existsSync(`${entry}.js`)) return new Worker(`${entry}.js`, { workerData });
  return new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, workerData: { entry: `${entry}.ts`, data: workerData } });
}

/** The worker's own data, whichever way it was started. */
export function workerDataOf<T>(workerData: unknown): T {
  const wrapped = workerData as { entry?: unknown; data?: unknown } | undefined;
  return (typeof wrapped?.entry === 'string' && 'data' in wrapped ? wrapped.data : workerData) as T;
}

const TYPESCRIPT_BOOTSTRAP = `
const fs = require('node:fs');
const { createRequire } = require('node:module');
const { workerData } = require('node:worker_threads');
const requireHere = createRequire(workerData.entry);
let swc;
try {
  swc = requireHere('@swc/core');
} catch (error) {
  throw new Error(workerData.entry + ' has no compiled .js (run npm run build) and @swc/core is not installed to run the .ts sources');
}
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
requireHere(workerData.entry);
`;
