import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * worker_threads only run JavaScript. Built code (dist/) has `inferenceWorker.js` next to this file;
 * when running from TypeScript sources (jest, scripts run with a TS loader) the worker compiles the
 * `.ts` files it requires with @swc/core, a dev dependency.
 */
export function spawnInferenceWorker(): Worker {
  const compiled = path.join(__dirname, 'inferenceWorker.js');
  if (fs.existsSync(compiled)) return new Worker(compiled);
  return new Worker(TYPESCRIPT_BOOTSTRAP, { eval: true, workerData: { entry: path.join(__dirname, 'inferenceWorker.ts') } });
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
  throw new Error('inferenceWorker.js is missing (run npm run build) and @swc/core is not installed to run the .ts sources');
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
