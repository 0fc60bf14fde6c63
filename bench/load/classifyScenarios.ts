import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRequest, Scenario } from '../support/autocannonRun';

const CLASSIFY = `mutation Classify($files: [Upload!]!) { classify(files: $files, maxResults: 5) { filename error { code } labels { name score } } }`;

/** A GraphQL multipart request (operations, map, one file) with Apollo's CSRF preflight header. */
function classifyRequest(photo: string): BenchRequest {
  const boundary = '----bench-load-boundary-7d3f';
  const name = path.basename(photo);
  const type = /\.png$/i.test(name) ? 'image/png' : 'image/jpeg';
  const field = (field: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${field}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(field('operations', JSON.stringify({ query: CLASSIFY, variables: { files: [null] } }))),
    Buffer.from(field('map', JSON.stringify({ 0: ['variables.files.0'] }))),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`),
    fs.readFileSync(photo),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' }, body };
}

/**
 * Classification at a concurrency the pool absorbs (one request per inference worker: never more than
 * a worker's worth queued, so 0 errors expected), and far past saturation against a gateway whose
 * INFERENCE_QUEUE_LIMIT is small: the requests beyond it must be answered at once with OVERLOADED,
 * not left to time out.
 */
export function classifyScenarios(durationSeconds: number, modelDir: string, photo: string): Scenario[] {
  if (!fs.existsSync(path.join(modelDir, 'model.json')) || !fs.existsSync(photo)) {
    console.warn(`classify scenarios skipped: no model at ${modelDir} or no photo at ${photo} (--model / --photo)`);
    return [];
  }
  const requests = [classifyRequest(photo)];
  const workers = String(os.availableParallelism());
  const model = { MODEL_DIR: modelDir, MODELS_DIR: path.join(os.tmpdir(), 'bench-load-no-models'), INFERENCE_WORKERS: workers };
  return [
    { name: `classify c=${workers} (below saturation)`, connections: Number(workers), durationSeconds, requests, gatewayEnv: model },
    {
      name: 'classify c=64, INFERENCE_QUEUE_LIMIT=4 (overload)',
      connections: 64,
      durationSeconds,
      requests,
      gatewayEnv: { ...model, INFERENCE_QUEUE_LIMIT: '4', MAX_UPLOAD_FILES: '4' },
      expect: 'overload',
    },
  ];
}
