import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { createGateway } from '../src/server';
import { prepareDuckDb } from '../src/ingest/prepareDuckDb';
import { DuckDbStore } from '../src/store/duckdb/DuckDbStore';
import { formatTable, measureInterleaved, type LatencySummary } from './metadata/latency';
import { syntheticNames, writeSyntheticDataset, type SyntheticSize } from './metadata/syntheticDataset';
import { graphqlWorkloads, storeWorkloads, type Workload } from './metadata/workloads';
import { numberOption, runCli } from '../scripts/support/cli';

const USAGE = `usage: npm run bench:metadata -- [options]

Synthetic Open Images-sized data in DuckDB, loaded with the gateway's loader; p50/p95 per query type.

  --images <n>             images (default 9000000)
  --labels-per-image <x>   average labels per image (default 2.35)
  --relations <n>          relations (default images / 3)
  --classes <n>            classes (default 600)
  --runs <n>               measurements per query type (default 60)
  --work-dir <dir>         where the CSVs and the database go (default a temporary folder, removed)
  --keep                   keep the temporary folder
  --reuse                  measure the database a previous run left in --work-dir
  --no-graphql             measure the store only
  -h, --help               this text`;

const spec = {
  usage: USAGE,
  options: {
    images: { type: 'string', default: '9000000' },
    'labels-per-image': { type: 'string', default: '2.35' },
    relations: { type: 'string' },
    classes: { type: 'string', default: '600' },
    runs: { type: 'string', default: '60' },
    'work-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
    'no-graphql': { type: 'boolean', default: false },
  },
} as const;

/**
 * Generates a synthetic dataset of that size, loads it the way the gateway does (DuckDbStore from a
 * DATA_DIR of CSVs into a database file: the real loader, derived tables included), then measures
 * p50/p95 latency of each query type through the store API and through GraphQL over HTTP.
 * `--reuse` measures the database a previous run left in `--work-dir` (same sizes) without rebuilding it.
 */

const positive = (text: string | undefined, name: string): number => numberOption(name, text, { min: 1, integer: true })!;
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

runCli(spec, async ({ values }) => {
  const images = positive(values.images, '--images');
  const size: SyntheticSize = {
    images,
    labelsPerImage: numberOption('--labels-per-image', values['labels-per-image'], { min: 0 })!,
    relations: values.relations ? positive(values.relations, '--relations') : Math.round(images / 3),
    classes: positive(values.classes, '--classes'),
  };
  const runs = positive(values.runs, '--runs');
  const work = values['work-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-metadata-'));
  const csvDir = path.join(work, 'csv');
  fs.mkdirSync(csvDir, { recursive: true });
  const say = (text: string) => process.stdout.write(`${text}\n`);

  say(`Synthetic dataset: ${size.images} images, ~${size.labelsPerImage} labels per image, ${size.relations} relations, ${size.classes} classes (${os.cpus().length} cores)`);
  const databasePath = path.join(work, 'bench.duckdb');
  let store: DuckDbStore;
  if (values.reuse && fs.existsSync(databasePath)) {
    store = await DuckDbStore.open((await prepareDuckDb({ databasePath })).instance);
    say(`  reusing ${databasePath}`);
  } else {
    let started = Date.now();
    await writeSyntheticDataset(csvDir, size);
    say(`  generated CSVs in ${seconds(started)}`);
    started = Date.now();
    fs.rmSync(databasePath, { force: true });
    const prepared = await prepareDuckDb({ dataDir: csvDir, databasePath, reload: true });
    store = await DuckDbStore.open(prepared.instance);
    const report = prepared.ingestReport!;
    say(
      `  loaded with the gateway's loader in ${seconds(started)}: ${report.classes} classes, ${report.imageLabels} labels, ${report.relations} relations, ${report.images} images, ${report.rejected.length} rejected`,
    );
  }
  const data = syntheticNames();

  const results: LatencySummary[] = [];
  const run = async (workloads: Workload[]) => results.push(...(await measureInterleaved(workloads, runs)));
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  say(`  load average before measuring: ${load()}`);
  await run(storeWorkloads(store, data, size));

  if (!values['no-graphql']) {
    const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', STORE: 'duckdb' });
    const gateway = await createGateway(config, { store });
    const url = await gateway.listen(0, '127.0.0.1');
    try {
      await run(graphqlWorkloads(url, data, size));
    } finally {
      await gateway.close(); // closes the store too
    }
  } else {
    await store.close();
  }

  say(`  load average after measuring: ${load()} (other processes on this machine slow every figure)`);
  say('');
  say(formatTable(results));
  const missed = results.filter((r) => r.targetP95 !== undefined && r.p95 >= r.targetP95);
  say(missed.length === 0 ? '\nAll p95 targets met.' : `\n${missed.length} p95 target(s) missed.`);
  if (!values.keep && !values['work-dir']) fs.rmSync(work, { recursive: true, force: true });
  else say(`Data kept in ${work}`);
  // The gateway's worker pools and timers are closed, but some library handles linger: end the run.
  process.exit(0);
});
