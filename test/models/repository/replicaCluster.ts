import path from 'node:path';
import { MULTIPART_TYPE, PREFLIGHT, multipartBody } from '../../conformance/multipart';
import { startServerProcess, type ServerProcess } from '../../lifecycle/serverProcess';

/** The operations the replica tests send. */
export const TRAIN = 'mutation($input: TrainModelInput!) { trainModel(input: $input) { id status } }';
export const JOB = 'query($id: ID!) { trainingJob(id: $id) { id status progress error errorCode } }';
export const MODELS = '{ models { id version status } }';
export const DELETE = 'mutation($id: ID!) { deleteModel(id: $id) }';

/** One gateway process of a test cluster, with GraphQL over HTTP helpers. */
export interface Replica {
  name: string;
  process: ServerProcess;
  graphql(query: string, variables?: Record<string, unknown>): Promise<any>;
  /** `classify` of one image with `model`: the labels, or the error code. */
  classify(image: Buffer, model: string): Promise<{ labels?: Array<{ name: string; score: number }>; code?: string }>;
}

/**
 * Starts a gateway process (`node dist/src/main.js`) sharing `repository` with the others: its own
 * MODELS_DIR (caches), the repository polled every 0.3 s, no default model, anonymous callers may train.
 */
export async function startReplica(name: string, root: string, env: Record<string, string>): Promise<Replica> {
  const process = await startServerProcess({
    NODE_ENV: 'development',
    DEFAULT_MODEL: 'none',
    MODELS_DIR: path.join(root, `local-${name}`),
    MODEL_REPOSITORY_POLL_S: '0.3',
    TRAINING_JOB_HEARTBEAT_S: '0.2',
    TRAINING_JOB_LEASE_S: '1.5',
    MODEL_IDLE_UNLOAD_S: '0',
    ...env,
  });
  const graphql = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(process.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return response.json();
  };
  const classify = async (image: Buffer, model: string) => {
    const query = 'mutation($files: [Upload!]!, $model: ID) { classify(files: $files, model: $model, minConfidence: 0, maxResults: 5) { labels { name score } } }';
    const body = multipartBody([
      { name: 'operations', value: JSON.stringify({ query, variables: { files: [null], model } }) },
      { name: 'map', value: JSON.stringify({ f0: ['variables.files.0'] }) },
      { name: 'f0', value: image, filename: 'probe.jpg', contentType: 'image/jpeg' },
    ]);
    const response = await fetch(process.url, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE, ...PREFLIGHT }, body: new Uint8Array(body) });
    const result = (await response.json()) as any;
    if (result.errors) return { code: result.errors[0].extensions?.code as string };
    return { labels: result.data.classify[0].labels };
  };
  return { name, process, graphql, classify };
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts `npm run worker`'s entry (dist/scripts/worker.js) on the same repository; resolves once it says it is ready. */
export async function startWorker(root: string, env: Record<string, string>): Promise<import('node:child_process').ChildProcess> {
  const { spawn } = await import('node:child_process');
  const { projectRoot } = await import('../../../src/paths');
  const child = spawn(process.execPath, [path.join(projectRoot(), 'dist', 'scripts', 'worker.js')], {
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'info',
      MODELS_DIR: path.join(root, `worker-${Math.random().toString(36).slice(2)}`),
      MODEL_REPOSITORY_POLL_S: '0.2',
      TRAINING_JOB_HEARTBEAT_S: '0.2',
      TRAINING_JOB_LEASE_S: '1.5',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('training worker ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}): ${output.slice(-2000)}`)));
  });
  return child;
}
