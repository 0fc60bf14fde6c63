import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm run bench:load`: autocannon against a gateway process this script starts on loopback (the
 * built dist/src/main.js), one bounded run per scenario; prints requests/s, p50/p99 latency and
 * the error rate.
 *
 *   BENCH_DURATION=10   seconds per scenario
 *   BENCH_ONLY=name     run the scenarios whose name contains this
 *   DATA_DIR, STORE, …  as for the gateway (default: the built-in demo data in DuckDB)
 *
 * A scenario is a plain object: add one to `scenarios()` (a classify scenario only needs a
 * multipart body and its content-type header in `requests`).
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
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
// autocannon ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
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

function scenarios(sample: Sample, durationSeconds: number): Scenario[] {
  const mix = metadataMix(sample);
  const lookups = sample.imageIds.slice(0, 16).map((id) => graphqlRequest(IMAGE, { id }));
  return [
    { name: 'metadata-mix c=1', connections: 1, durationSeconds, requests: mix },
    { name: 'metadata-mix c=10', connections: 10, durationSeconds, requests: mix },
    { name: 'metadata-mix c=50', connections: 50, durationSeconds, requests: mix },
    { name: 'image-lookup c=10', connections: 10, durationSeconds, requests: lookups },
  ];
}

async function post(url: string, request: BenchRequest): Promise<any> {
  const response = await fetch(url, { method: request.method ?? 'POST', headers: request.headers, body: request.body === undefined ? undefined : new Uint8Array(Buffer.from(request.body)) });
  const body = (await response.json()) as { errors?: unknown[] };
  if (response.status !== 200 || body.errors) throw new Error(`bench request failed (${response.status}): ${JSON.stringify(body).slice(0, 500)}`);
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

async function run(origin: string, scenario: Scenario): Promise<AutocannonResult> {
  // Every request is checked once first: a benchmark of error responses measures nothing.
  for (const request of scenario.requests) await post(origin + (request.path ?? '/graphql'), request);
  return autocannon({
    url: origin,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    requests: scenario.requests.map((r) => ({ method: r.method ?? 'POST', path: r.path ?? '/graphql', headers: r.headers, body: r.body })),
  });
}

function report(name: string, result: AutocannonResult): Record<string, string | number> {
  const failed = result.errors + result.timeouts + result.non2xx;
  const attempted = result.requests.total + result.errors + result.timeouts;
  return {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'max ms': result.latency.max,
    requests: result.requests.total,
    'error %': attempted === 0 ? 0 : Number(((100 * failed) / attempted).toFixed(2)),
  };
}

/**
 * The gateway as deployed (`node dist/src/main.js`, NODE_ENV=production, info logs), in its own
 * process so that autocannon does not share its event loop. Resolves with its URL once it is ready.
 */
function startGateway(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'src', 'main.js')], {
    env: { NODE_ENV: 'production', ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
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

async function main(): Promise<void> {
  const durationSeconds = Number(process.env.BENCH_DURATION ?? 10);
  const { url, child } = await startGateway();
  const origin = new URL(url).origin;
  try {
    const sample = await discover(url);
    const chosen = scenarios(sample, durationSeconds).filter((s) => !process.env.BENCH_ONLY || s.name.includes(process.env.BENCH_ONLY));
    // eslint-disable-next-line no-console
    console.log(`gateway ${url} (pid ${child.pid}), ${durationSeconds} s per scenario, node ${process.version}, ${os.availableParallelism()} cores`);
    const rows = [];
    for (const scenario of chosen) {
      rows.push(report(scenario.name, await run(origin, scenario)));
      // eslint-disable-next-line no-console
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
    // eslint-disable-next-line no-console
    console.table(rows);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((error) => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exitCode = 1;
});
