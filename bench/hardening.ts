import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { runCli, UsageError } from '../scripts/support/cli';
import { cpuPressure, loadAverage, processStats, startGatewayProcess, type GatewayProcess } from './support/gatewayProcess';

const USAGE = `npm run bench:hardening -- [--cases 1,2,3,4,5,6,7,8,slow] [--fanout 24] [--stalled 12] [--images 96] [--shared ../shared]

Replays the attacks of issue 10 against the built gateway (dist/src/main.js, its own process, loopback)
and prints one figure per case:
  1  fragment fan-out ({ ...F<fanout> }, 1.6 KB): gateway CPU, answer, worst /healthz latency meanwhile;
     and the worst 100 KB bodies (repeated fields, aliases): gateway CPU each
  2  60 aliases of searchImages(classes: [90 names], first: 0) { totalCount } on ../shared/data/openimages:
     answer time and a small query's latency meanwhile; classes(first: 100000000)'s code
  3  150 aliases of trainingJob(id: $s) with a 900 KB $s: response bytes and status
  4  --stalled connections each sending 15 x 10 MB files and stalling: gateway RSS before, peak, and after
     they are gone
  5  OPTIONS and POST /graphql/anything with a foreign Origin
  6  NODE_ENV=production: introspection and "Did you mean" suggestions
  7  --images 6300 x 6300 PNGs (4.9 KB) classified in requests of 16 (tiny model): worst metadata latency
  8  a classify refused with OVERLOADED: HTTP status and Retry-After
  slow  200 connections trickling headers and 20 trickling bodies: seconds until all are closed, and the
        latency of normal queries meanwhile
Runs against the tree it is built in: copy it into an older checkout to get "before" figures.`;

let SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const SMALL = 'query Small { relationTypes { name } }';

type Result = Record<string, unknown>;

async function post(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 180_000) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let code: unknown;
    try {
      code = JSON.parse(text).errors?.[0]?.extensions?.code;
    } catch {
      code = 'unparsable';
    }
    return { status: response.status, ms: Math.round(performance.now() - started), bytes: text.length, code, headers: response.headers };
  } catch (error) {
    return { status: 0, ms: Math.round(performance.now() - started), bytes: 0, code: (error as Error).name, headers: new Headers() };
  }
}

/** Polls `probe` every `everyMs` until `done` settles; returns the worst latency seen. */
async function worstLatencyWhile(done: Promise<unknown>, probe: () => Promise<unknown>, everyMs = 100): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let worst = 0;
  while (!finished) {
    const started = performance.now();
    await probe().catch(() => undefined); // a refused or reset probe still counts its wait
    worst = Math.max(worst, performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Math.round(worst);
}

const cpuOf = (gw: GatewayProcess) => processStats(gw.pid).cpuSeconds;

async function withGateway<T>(env: Record<string, string>, run: (gw: GatewayProcess) => Promise<T>): Promise<T> {
  const gw = await startGatewayProcess({ NODE_ENV: 'development', ...env });
  try {
    return await run(gw);
  } finally {
    gw.child.kill('SIGKILL'); // a frozen gateway would not drain
    await new Promise((r) => setTimeout(r, 200));
  }
}

function fanOut(levels: number): string {
  let document = `{ ...F${levels} }\nfragment F0 on Query { relationTypes { name } }\n`;
  for (let i = 1; i <= levels; i++) document += `fragment F${i} on Query { ...F${i - 1} a: relationTypes { name } ...F${i - 1} }\n`;
  return document;
}

async function case1(levels: number): Promise<Result> {
  return withGateway({}, async (gw) => {
    const cpu = cpuOf(gw);
    const answer = post(gw.url, { query: fanOut(levels) });
    const healthz = await worstLatencyWhile(answer, () => fetch(`${gw.origin}/healthz`), 50);
    const { status, ms, code } = await answer;
    const fanout = { levels, bytes: fanOut(levels).length, status, code, ms, gatewayCpuMs: Math.round((cpuOf(gw) - cpu) * 1000), worstHealthzMs: healthz };
    const bodies: Record<string, string> = {
      repeatedNested: `{ ${'relationTypes { name } '.repeat(4400)} }`,
      repeatedLeaf: `{ relationTypes { ${'name '.repeat(20000)} } }`,
      aliases: `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: relationTypes { name }`).join(' ')} }`.slice(0, 100_000),
      fragments:
        `{ ${Array.from({ length: 1500 }, (_, i) => `...G${i}`).join(' ')} } ${Array.from({ length: 1500 }, (_, i) => `fragment G${i} on Query { relationTypes { name } }`).join(' ')}`.slice(
          0,
          100_000,
        ),
    };
    const worst: Result = {};
    for (const [name, query] of Object.entries(bodies)) {
      const before = cpuOf(gw);
      const r = await post(gw.url, { query });
      worst[name] = { kb: Math.round(query.length / 1024), status: r.status, code: r.code, gatewayCpuMs: Math.round((cpuOf(gw) - before) * 1000) };
    }
    return { fanout, worst100KbBodies: worst };
  });
}

async function case2(): Promise<Result> {
  const dataDir = path.join(SHARED, 'data', 'openimages');
  if (!fs.existsSync(dataDir)) return { skipped: `no ${dataDir}` };
  const names = fs
    .readFileSync(path.join(dataDir, 'classes.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 91)
    .map((line) => line.slice(line.indexOf(',') + 1).replace(/^"|"$/g, ''));
  return withGateway({ DATA_DIR: dataDir }, async (gw) => {
    const query = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: searchImages(classes: ${JSON.stringify(names)}, first: 0) { totalCount }`).join(' ')} }`;
    const answer = post(gw.url, { query }, {}, 120_000);
    const small = await worstLatencyWhile(answer, () => post(gw.url, { query: SMALL }), 200);
    const { status, ms, code } = await answer;
    const range = await post(gw.url, { query: '{ classes(first: 100000000) { totalCount } }' });
    const three = `{ ${[0, 1, 2].map((i) => `a${i}: searchImages(classes: ${JSON.stringify(names)}, first: 0) { totalCount }`).join(' ')} }`;
    const threeAliases = await post(gw.url, { query: three }, {}, 120_000);
    return {
      sixtyCountAliases: { status, code, ms },
      worstSmallQueryMs: small,
      threeCountAliases: { status: threeAliases.status, code: threeAliases.code, ms: threeAliases.ms },
      classesFirst1e8: range.code,
    };
  });
}

async function case3(): Promise<Result> {
  // Aliases allowed, so that what is measured is the error quoting (the alias limit refuses 150 by default).
  return withGateway({ MAX_QUERY_ALIASES: '200' }, async (gw) => {
    const fields = Array.from({ length: 150 }, (_, i) => `j${i}: trainingJob(id: $s) { id }`).join(' ');
    const r = await post(gw.url, { query: `query($s: ID!) { ${fields} }`, variables: { s: 'x'.repeat(900 * 1024) } });
    return { requestKb: 900, status: r.status, code: r.code, responseMb: Math.round((r.bytes / 1024 / 1024) * 10) / 10, ms: r.ms };
  });
}

/** One connection that sends `files` files of `fileBytes` and never sends the last one. */
function stallingUpload(url: string, files: number, fileBytes: number): { socket: net.Socket; sent: Promise<void> } {
  const { hostname, port, pathname } = new URL(url);
  const boundary = 'bench-boundary';
  const part = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const fileHead = (i: number) => `--${boundary}\r\ncontent-disposition: form-data; name="f${i}"; filename="f${i}.png"\r\ncontent-type: image/png\r\n\r\n`;
  const count = files + 1;
  const operations = JSON.stringify({ query: 'mutation($files: [Upload!]!) { classify(files: $files) { filename } }', variables: { files: Array(count).fill(null) } });
  const map = JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, [`variables.files.${i}`]])));
  const total = part('operations', operations).length + part('map', map).length + count * (fileHead(0).length + fileBytes + 2) + boundary.length + 6;
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const chunk = Buffer.alloc(fileBytes, 1);
  const sent = new Promise<void>((resolve) => {
    socket.once('connect', async () => {
      const write = (data: string | Buffer) => new Promise<void>((done) => (socket.write(data) ? done() : socket.once('drain', () => done())));
      await write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${total}\r\napollo-require-preflight: true\r\n\r\n`,
      );
      await write(part('operations', operations) + part('map', map));
      for (let i = 0; i < files && !socket.destroyed; i++) {
        await write(fileHead(i));
        await write(chunk);
        await write('\r\n');
      }
      resolve();
    });
    socket.once('close', () => resolve());
  });
  return { socket, sent };
}

async function case4(stalled: number): Promise<Result> {
  return withGateway({ MALLOC_ARENA_MAX: '2' }, async (gw) => {
    await post(gw.url, { query: SMALL });
    const mb = () => Math.round(processStats(gw.pid).rssBytes / 1024 / 1024);
    const before = mb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, mb())), 100);
    const uploads = Array.from({ length: stalled }, () => stallingUpload(gw.url, 15, 10 * 1024 * 1024));
    await Promise.race([Promise.all(uploads.map((u) => u.sent)), new Promise((r) => setTimeout(r, 180_000))]);
    await new Promise((r) => setTimeout(r, 20_000)); // past BODY_IDLE_TIMEOUT_MS (15 s)
    const whileStalled = mb();
    const closedByServer = uploads.filter((u) => u.socket.destroyed).length;
    for (const u of uploads) u.socket.destroy();
    // Some ordinary traffic afterwards, as a server would see (it lets the collector run).
    let small = 0;
    for (let i = 0; i < 20; i++) {
      small = (await post(gw.url, { query: SMALL })).status;
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(sampler);
    return {
      stalledConnections: stalled,
      rssBeforeMb: before,
      rssWhileStalledMb: whileStalled,
      rssPeakMb: peak,
      rssAfter20sMb: mb(),
      closedByServerBeforeClientLeft: closedByServer,
      smallQueryAfter: small,
    };
  });
}

async function case5(): Promise<Result> {
  return withGateway({}, async (gw) => {
    const origin = 'https://evil.example';
    const options = await fetch(`${gw.url}/anything`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const postOther = await post(`${gw.url}/anything`, { query: SMALL }, { origin });
    const postRoot = await post(gw.url, { query: SMALL }, { origin });
    return {
      optionsOtherPath: { status: options.status, allowOrigin: options.headers.get('access-control-allow-origin') },
      postOtherPath: { status: postOther.status, code: postOther.code, allowOrigin: postOther.headers.get('access-control-allow-origin') },
      postGraphqlForeignOrigin: { status: postRoot.status, code: postRoot.code, allowOrigin: postRoot.headers.get('access-control-allow-origin') },
    };
  });
}

async function case6(): Promise<Result> {
  const gw = await startGatewayProcess({ NODE_ENV: 'production' });
  try {
    const schema = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __schema { types { name } } }' }) });
    const schemaBody = (await schema.json()) as any;
    const typo = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ relationType { name } }' }) });
    const typoBody = (await typo.json()) as any;
    return { introspectionTypes: schemaBody.data?.__schema?.types?.length ?? 0, introspectionError: schemaBody.errors?.[0]?.message, typoMessage: typoBody.errors?.[0]?.message };
  } finally {
    await gw.stop();
  }
}

async function tinyModel(dir: string): Promise<string> {
  // The same tiny layers model the tests write (test/models/support/tinyModel.ts), built from dist.
  const support = path.join(__dirname, '..', 'test', 'models', 'support', 'tinyModel.js');
  if (fs.existsSync(support)) return (await import(support)).writeTinyModel(dir);
  const shared = path.join(SHARED, 'models', 'mobilenet_v1_0.25_224');
  if (!fs.existsSync(shared)) throw new UsageError('no model for case 7/8: build the tests (tsc) or provide ../shared/models');
  return shared;
}

async function classifyRequest(url: string, files: Buffer[], type = 'image/png') {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({
      query: 'mutation($files: [Upload!]!) { classify(files: $files, maxResults: 1) { error { code } labels { name } } }',
      variables: { files: files.map(() => null) },
    }),
  );
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]]))));
  files.forEach((bytes, i) => form.append(String(i), new Blob([new Uint8Array(bytes)], { type }), `f${i}.png`));
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
  const text = await response.text();
  return { status: response.status, ms: Math.round(performance.now() - started), retryAfter: response.headers.get('retry-after'), code: /"code":"([A-Z_]+)"/.exec(text)?.[1] };
}

async function case7(images: number, root: string, extraEnv: Record<string, string> = {}): Promise<Result> {
  const modelDir = await tinyModel(path.join(root, 'tiny'));
  const png = await sharp({ create: { width: 6300, height: 6300, channels: 3, background: '#ff0000' } })
    .png({ palette: true, colours: 2, compressionLevel: 9 })
    .toBuffer();
  return withGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), ...extraEnv }, async (gw) => {
    const metadataQuery = () => post(gw.url, { query: '{ classes(first: 5) { totalCount edges { node { label imageCount } } } }' });
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push((await metadataQuery()).ms);
    const requests = Math.ceil(images / 16);
    const started = performance.now();
    const all = Promise.all(Array.from({ length: requests }, (_, i) => classifyRequest(gw.url, Array(Math.min(16, images - 16 * i)).fill(png))));
    const worst = await worstLatencyWhile(all, metadataQuery, 250);
    const results = await all;
    return {
      images,
      pngBytes: png.length,
      classifySeconds: Math.round((performance.now() - started) / 100) / 10,
      statuses: [...new Set(results.map((r) => r.status))],
      worstMetadataIdleMs: Math.max(...idle),
      worstMetadataMs: worst,
    };
  });
}

async function case8(root: string): Promise<Result> {
  const modelDir = await tinyModel(path.join(root, 'tiny8'));
  const png = await sharp({ create: { width: 2000, height: 2000, channels: 3, background: '#00ff00' } })
    .png()
    .toBuffer();
  return withGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_QUEUE_LIMIT: '16', INFERENCE_WORKERS: '1' }, async (gw) => {
    const results = await Promise.all(Array.from({ length: 4 }, () => classifyRequest(gw.url, Array(16).fill(png))));
    const refused = results.find((r) => r.code === 'OVERLOADED');
    return { overloaded: refused ? { status: refused.status, retryAfter: refused.retryAfter } : 'none refused', statuses: results.map((r) => r.status) };
  });
}

async function caseSlow(): Promise<Result> {
  return withGateway({}, async (gw) => {
    const { hostname, port } = new URL(gw.url);
    const open = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const socket = net.connect(Number(port), hostname, () => resolve(socket));
        socket.on('error', () => undefined);
      });
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) baseline.push((await post(gw.url, { query: SMALL })).ms);
    const heads = await Promise.all(Array.from({ length: 200 }, open));
    const bodies = await Promise.all(Array.from({ length: 20 }, open));
    const started = performance.now();
    for (const s of bodies) s.write(`POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":`);
    let i = 0;
    const trickle = setInterval(() => {
      for (const s of heads) if (!s.destroyed) s.write(i === 0 ? 'POST /graphql HTTP/1.1\r\n' : 'x');
      for (const s of bodies) if (!s.destroyed && i % 50 === 49) s.write(' '); // a byte every 10 s
      i++;
    }, 200);
    const closedAt = new Map<net.Socket, number>();
    for (const s of [...heads, ...bodies]) s.once('close', () => closedAt.set(s, performance.now() - started));
    const during: number[] = [];
    const deadline = performance.now() + 150_000;
    while (closedAt.size < heads.length + bodies.length && performance.now() < deadline) {
      during.push((await post(gw.url, { query: SMALL })).ms);
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(trickle);
    for (const s of [...heads, ...bodies]) s.destroy();
    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const lastHead = Math.max(0, ...heads.map((s) => closedAt.get(s) ?? Infinity));
    const lastBody = Math.max(0, ...bodies.map((s) => closedAt.get(s) ?? Infinity));
    return {
      headersClosedWithinS: Number.isFinite(lastHead) ? Math.round(lastHead / 100) / 10 : `${heads.filter((s) => !closedAt.has(s)).length} still open after 150 s`,
      bodiesClosedWithinS: Number.isFinite(lastBody) ? Math.round(lastBody / 100) / 10 : `${bodies.filter((s) => !closedAt.has(s)).length} still open after 150 s`,
      smallQueryP50BeforeMs: p50(baseline),
      smallQueryP50DuringMs: p50(during),
    };
  });
}

runCli(
  {
    usage: USAGE,
    options: {
      cases: { type: 'string', default: '1,2,3,4,5,6,7,8,slow' },
      fanout: { type: 'string', default: '24' },
      stalled: { type: 'string', default: '12' },
      images: { type: 'string', default: '96' },
      shared: { type: 'string', default: SHARED },
    },
  },
  async ({ values }) => {
    const cases = new Set(values.cases!.split(',').map((c) => c.trim()));
    const known = new Set(['1', '2', '3', '4', '5', '6', '7', '8', 'slow']);
    for (const c of cases) if (!known.has(c)) throw new UsageError(`unknown case "${c}"`);
    const levels = Number(values.fanout);
    const stalled = Number(values.stalled);
    const images = Number(values.images);
    if (!(Number.isInteger(levels) && levels >= 1 && levels <= 40)) throw new UsageError('--fanout must be 1..40');
    if (!(Number.isInteger(stalled) && stalled >= 1 && stalled <= 64)) throw new UsageError('--stalled must be 1..64');
    if (!(Number.isInteger(images) && images >= 1 && images <= 512)) throw new UsageError('--images must be 1..512');
    SHARED = path.resolve(values.shared!);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hardening-'));
    console.log(`load average ${loadAverage()}, ${cpuPressure()}`);
    const run = async (name: string, fn: () => Promise<Result>) => {
      if (!cases.has(name)) return;
      const started = performance.now();
      const result = await fn().catch((error: unknown) => ({ failed: (error as Error).message.slice(0, 300) }));
      console.log(`case ${name} (${Math.round((performance.now() - started) / 1000)} s): ${JSON.stringify(result)}`);
    };
    try {
      await run('1', () => case1(levels));
      await run('2', case2);
      await run('3', case3);
      await run('4', () => case4(stalled));
      await run('5', case5);
      await run('6', case6);
      await run('7', () => case7(images, root));
      await run('8', () => case8(root));
      await run('slow', caseSlow);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
);
