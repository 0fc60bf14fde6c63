import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, UsageError } from '../scripts/support/cli';
import { case7, case8 } from './hardening/classifyLoad';
import { case5, case6 } from './hardening/edgeAccess';
import { case1, case2, case3 } from './hardening/queryAbuse';
import { caseSlow } from './hardening/slowClients';
import { case4 } from './hardening/stalledUploads';
import { cpuPressure, loadAverage } from './support/gatewayProcess';
import type { Result } from './support/hardeningHarness';

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

const DEFAULT_SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');

runCli(
  {
    usage: USAGE,
    options: {
      cases: { type: 'string', default: '1,2,3,4,5,6,7,8,slow' },
      fanout: { type: 'string', default: '24' },
      stalled: { type: 'string', default: '12' },
      images: { type: 'string', default: '96' },
      shared: { type: 'string', default: DEFAULT_SHARED },
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
    const shared = path.resolve(values.shared!);
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
      await run('2', () => case2(shared));
      await run('3', case3);
      await run('4', () => case4(stalled));
      await run('5', case5);
      await run('6', case6);
      await run('7', () => case7(images, root, shared));
      await run('8', () => case8(root, shared));
      await run('slow', caseSlow);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  },
);
