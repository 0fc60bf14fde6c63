import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { existingDir, existingFile, numberOption, runCli } from '../scripts/support/cli';

const USAGE = `usage: npm run bench:load -- [options]

autocannon against a gateway process started on loopback (dist/src/main.js), one bounded run per
scenario: requests/s, p50/p99 latency, error rate. Gateway variables (DATA_DIR, STORE, ...) apply.

  --duration <s>     seconds per scenario (default BENCH_DURATION, else 10)
  --only <text>      run the scenarios whose name contains this (default BENCH_ONLY)
  --model <dir>      model for the classify scenarios (default BENCH_MODEL_DIR, else
                     ../shared/models/mobilenet_v1_0.25_224; skipped with a notice when absent)
  --photo <file>     photo they upload (default BENCH_PHOTO, else ../shared/data/photos/chelsea.png)
  -h, --help         this text`;

/**
 * `npm run bench:load`: autocannon against a gateway process this script starts on loopback (the
 * built dist/src/main.js), one bounded run per scenario; prints requests/s, p50/p99 latency and
 * the error rate.
 *
 * Options: see USAGE.
 *
 * A scenario is a plain object: add one to `scenarios()` (a classify scenario only needs a
 * multipart body and its content-type header in `requests`). A scenario with `gatewayEnv` gets a
 * gateway of its own started with those variables (e.g. a small INFERENCE_QUEUE_LIMIT).
 *
 * Answers are sorted by what they say: `ok`, `OVERLOADED` (the gateway refusing work at once, which
 * is the intended answer past saturation), other GraphQL errors, non-2xx, and transport errors and
 * timeouts (which are never intended). `error %` counts everything but `ok` and `OVERLOADED`.
 */

interface BenchRequest {
  method?: 'GET' | 'POST';
  /** Relative to the origin; default `/graphql`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface Scenario {
  name: string;
  connections: number;
  durationSeconds: number;
  /** Each connection sends these in turn, round and round. */
  requests: BenchRequest[];
  /** Variables for a gateway of this scenario's own (merged over the environment). */
  gatewayEnv?: Record<string, string>;
  /** `overload`: OVERLOADED answers are expected, so the check before the run accepts them. */
  expect?: 'ok' | 'overload';
  /** Seconds autocannon waits for an answer before counting a timeout (default 10). */
  timeoutSeconds?: number;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** What the 2xx answers said, read from their bodies (autocannon itself only sees status codes). */
interface AnswerCounts {
  ok: number;
  overloaded: number;
  graphqlErrors: number;
}
// autocannon ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- autocannon ships no types; the signature is declared here
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

const JSON_HEADERS = { 'content-type': 'application/json' };

const graphqlRequest = (query: string, variables: Record<string, unknown> = {}): BenchRequest => ({
  method: 'POST',
  headers: JSON_HEADERS,
  body: JSON.stringify({ query, variables }),
});

const IMAGE = `query Image($id: ID!) { image(id: $id) { id url classes { label description } relations { relation subject { description } object { description } } } }`;
const IMAGES = `query Images($ids: [ID!]!) { images(ids: $ids) { id classes { description } } }`;
const SEARCH_IMAGES = `query SearchImages($classes: [String!]!) { searchImages(classes: $classes, first: 10) { totalCount edges { node { id classes { description } } } } }`;
const SEARCH_RELATIONS = `query SearchRelations($relation: String!) { searchRelations(relation: $relation, first: 10) { totalCount edges { node { image { id } subject { description } object { description } } } } }`;
const CLASSES = `query Classes($search: String) { classes(search: $search, first: 20) { totalCount edges { node { label description imageCount } } } }`;

/** Real ids and names, asked of the gateway itself, so the mix works on any dataset. */
interface Sample {
  imageIds: string[];
  classes: string[];
  relations: string[];
}

function metadataMix(sample: Sample): BenchRequest[] {
  const requests: BenchRequest[] = [];
  sample.imageIds.slice(0, 8).forEach((id, i) => {
    requests.push(graphqlRequest(IMAGE, { id }));
    const pair = [sample.classes[i % sample.classes.length], sample.classes[(i + 1) % sample.classes.length]];
    requests.push(graphqlRequest(SEARCH_IMAGES, { classes: pair }));
    if (i % 2 === 0) requests.push(graphqlRequest(SEARCH_RELATIONS, { relation: sample.relations[i % sample.relations.length] }));
  });
  requests.push(graphqlRequest(IMAGES, { ids: sample.imageIds.slice(0, 10) }));
  requests.push(graphqlRequest(CLASSES, { search: sample.classes[0].slice(0, 2) }));
  return requests;
}

/** Scenario names, so that main() knows which need the dataset sample before they can be built. */
const METADATA_SCENARIOS = ['metadata-mix c=1', 'metadata-mix c=10', 'metadata-mix c=50', 'image-lookup c=10'];

function scenarios(sample: Sample, durationSeconds: number): Scenario[] {
  const mix = metadataMix(sample);
  const lookups = sample.imageIds.slice(0, 16).map((id) => graphqlRequest(IMAGE, { id }));
  return [
    { name: METADATA_SCENARIOS[0], connections: 1, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[1], connections: 10, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[2], connections: 50, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[3], connections: 10, durationSeconds, requests: lookups },
  ];
}

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
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
function classifyScenarios(durationSeconds: number, modelDir: string, photo: string): Scenario[] {
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

async function post(url: string, request: BenchRequest, allowOverloaded = false): Promise<any> {
  const response = await fetch(url, {
    method: request.method ?? 'POST',
    headers: request.headers,
    body: request.body === undefined ? undefined : new Uint8Array(Buffer.from(request.body)),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  const overloaded = body.errors?.every((error) => error.extensions?.code === 'OVERLOADED');
  if (response.status !== 200 || (body.errors && !(allowOverloaded && overloaded))) {
    throw new Error(`bench request failed (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body;
}

async function discover(url: string): Promise<Sample> {
  const { data } = await post(url, graphqlRequest(`{ classes(first: 20) { edges { node { description } } } relationTypes { name } }`));
  const classes: string[] = data.classes.edges.map((e: any) => e.node.description);
  const relations: string[] = data.relationTypes.map((r: any) => r.name);
  const found = await post(url, graphqlRequest(`query($c: [String!]!) { searchImages(classes: $c, first: 50) { edges { node { id } } } }`, { c: classes }));
  const imageIds: string[] = found.data.searchImages.edges.map((e: any) => e.node.id);
  if (imageIds.length === 0 || relations.length === 0) throw new Error('the dataset has no images or no relations to benchmark');
  return { imageIds, classes, relations };
}

async function run(origin: string, scenario: Scenario): Promise<{ result: AutocannonResult; answers: AnswerCounts }> {
  // Every request is checked once first: a benchmark of error responses measures nothing.
  for (const request of scenario.requests) await post(origin + (request.path ?? '/graphql'), request, scenario.expect === 'overload');
  const answers: AnswerCounts = { ok: 0, overloaded: 0, graphqlErrors: 0 };
  const onResponse = (status: number, body: string) => {
    if (status < 200 || status >= 300) return; // counted by autocannon as non2xx
    if (!body.includes('"errors"')) answers.ok++;
    else if (body.includes('"OVERLOADED"')) answers.overloaded++;
    else answers.graphqlErrors++;
  };
  const result = await autocannon({
    url: origin,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    timeout: scenario.timeoutSeconds ?? 10,
    requests: scenario.requests.map((r) => ({ method: r.method ?? 'POST', path: r.path ?? '/graphql', headers: r.headers, body: r.body, onResponse })),
  });
  return { result, answers };
}

function report(name: string, { result, answers }: { result: AutocannonResult; answers: AnswerCounts }): Record<string, string | number> {
  // Transport errors (autocannon's `errors` include its timeouts) and non-2xx never count as answers.
  const transport = result.errors - result.timeouts;
  const failed = transport + result.timeouts + result.non2xx + answers.graphqlErrors;
  const attempted = result.requests.total + transport + result.timeouts;
  const percent = (count: number) => (attempted === 0 ? 0 : Number(((100 * count) / attempted).toFixed(2)));
  return {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    requests: result.requests.total,
    ok: answers.ok,
    OVERLOADED: answers.overloaded,
    'overloaded %': percent(answers.overloaded),
    'other GraphQL errors': answers.graphqlErrors,
    non2xx: result.non2xx,
    'transport errors': transport,
    timeouts: result.timeouts,
    'error %': percent(failed),
  };
}

/**
 * The gateway as deployed (`node dist/src/main.js`, NODE_ENV=production, info logs), in its own
 * process so that autocannon does not share its event loop. Resolves with its URL once it is ready.
 */
function startGateway(env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
    env: { NODE_ENV: 'production', ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const ready = /"msg":"gateway ready at (http:[^"]+)"/.exec(seen);
      if (!ready) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep reading (and dropping) the request logs
      resolve({ url: ready[1], child });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it was ready:\n${seen.slice(-2000)}`)));
  });
}

/** Runs `scenarios` against one gateway started with `env`, then stops it. */
async function runOnGateway(
  env: Record<string, string>,
  chosen: (sample: Sample | undefined) => Scenario[],
  needsSample: boolean,
  rows: Record<string, string | number>[],
): Promise<void> {
  const { url, child } = await startGateway(env);
  const origin = new URL(url).origin;
  try {
    const sample = needsSample ? await discover(url) : undefined;
    for (const scenario of chosen(sample)) {
      console.log(
        `gateway ${url} (pid ${child.pid}), load average ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}: ${scenario.name}`,
      );
      rows.push(report(scenario.name, await run(origin, scenario)));
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
  }
}

const spec = {
  usage: USAGE,
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    only: { type: 'string', default: process.env.BENCH_ONLY ?? '' },
    model: { type: 'string' },
    photo: { type: 'string' },
  },
} as const;

runCli(spec, async ({ values }) => {
  const durationSeconds = numberOption('--duration', values.duration, { min: 1 })!;
  const only = (name: string) => !values.only || name.includes(values.only);
  // Named explicitly, they must exist; the defaults may be absent (the scenarios are then skipped).
  const modelDir = path.resolve(values.model ? existingDir('--model', values.model) : (process.env.BENCH_MODEL_DIR ?? path.join(SHARED, 'models', 'mobilenet_v1_0.25_224')));
  const photo = path.resolve(values.photo ? existingFile('--photo', values.photo) : (process.env.BENCH_PHOTO ?? path.join(SHARED, 'data', 'photos', 'chelsea.png')));
  console.log(`${durationSeconds} s per scenario, node ${process.version}, ${os.availableParallelism()} cores`);
  const rows: Record<string, string | number>[] = [];
  if (METADATA_SCENARIOS.some(only)) {
    await runOnGateway({}, (sample) => scenarios(sample!, durationSeconds).filter((s) => only(s.name)), true, rows);
  }
  // Scenarios with gateway variables of their own each get their own gateway.
  for (const scenario of classifyScenarios(durationSeconds, modelDir, photo).filter((s) => only(s.name))) {
    await runOnGateway(scenario.gatewayEnv ?? {}, () => [scenario], false, rows);
  }
  console.table(rows);
});
