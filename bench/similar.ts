import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { CliFailure, existingFile, numberOption, runCli } from '../scripts/support/cli';
import { backboneSourceOf } from '../src/backbone/loadBackbone';
import { BackboneThread } from '../src/backbone/BackboneThread';
import { cosineTopK, normalize } from '../src/embeddings/cosineTopK';
import { EmbeddingIndex } from '../src/embeddings/EmbeddingIndex';
import { embedFolder } from '../src/embeddings/embedFolder';
import { readVectorColumn } from '../src/embeddings/embeddingsParquet';
import { listImageFiles } from '../src/embeddings/imageFiles';
import { gaussian, seededRandom, type Random } from '../src/embeddings/random';
import { indexFileOf, manifestFileOf } from '../src/embeddings/vectorIndex/hnswIndexFile';
import { decodeImage } from '../src/models/decodeImage';
import { percentile } from './support/httpLoad';
import { cpuPressure, loadAverage, processStats, startGatewayProcess } from './support/gatewayProcess';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const FLOWERS = path.join(SHARED, 'data', 'flowers');
const DEFAULT_BACKBONE = path.join(SHARED, 'models', 'mobilenet_v2_1.0_224');
const TARGET = { p95Ms: 50, recall: 0.95 };
const SIMILAR = 'query($file: Upload!, $first: Int) { similarImages(file: $file, first: $first) { path label score } }';

const USAGE = `npm run bench:similar -- [--vectors 1000000] [--queries 200] [--photos 30] [--jitter 0.5] [--pca 64]
                           [--embeddings <flowers.parquet>] [--work <dir>] [--rebuild] [--max-minutes 75] [--seed 7]
                           [--expansion-search <HNSW candidates per lookup>]

similarImages at scale, from vectors with the statistics of real ones:
  1. the 500 photos of ../shared/data/flowers embedded with MobileNet V2 (global_average_pooling) and a
     PCA of --pca components (or --embeddings, a file written by npm run embed --pca k);
  2. --vectors synthetic rows: a real projection picked at random plus Gaussian noise of --jitter times
     that component's standard deviation, written as a Parquet file beside which the gateway keeps its
     HNSW index (<file>.usearch, reused by later runs; --rebuild deletes it first);
  3. the store level: index build (or load) time, size, --queries fresh synthetic queries timed through
     the index and compared with exact search (recall@10);
  4. the GraphQL level: a gateway process serving the file, --photos flower photos uploaded to
     similarImages one at a time, against the same photos embedded alone (the upload + embedding cost);
     the gateway's RSS with the index loaded.
Target: p95 <= ${TARGET.p95Ms} ms with recall@10 >= ${TARGET.recall}. Stops with what it measured after --max-minutes.`;

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

runCli(
  {
    usage: USAGE,
    options: {
      vectors: { type: 'string', default: '1000000' },
      queries: { type: 'string', default: '200' },
      photos: { type: 'string', default: '30' },
      jitter: { type: 'string', default: '0.5' },
      pca: { type: 'string', default: '64' },
      embeddings: { type: 'string' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'openimages-similar-bench') },
      rebuild: { type: 'boolean', default: false },
      'max-minutes': { type: 'string', default: '75' },
      seed: { type: 'string', default: '7' },
      'expansion-search': { type: 'string' },
    },
  },
  async ({ values }) => {
    const vectors = numberOption('--vectors', values.vectors, { min: 1000, integer: true })!;
    const queries = numberOption('--queries', values.queries, { min: 1, integer: true })!;
    const photos = numberOption('--photos', values.photos, { min: 0, integer: true })!;
    const jitter = numberOption('--jitter', values.jitter, { min: 0 })!;
    const pca = numberOption('--pca', values.pca, { min: 2, integer: true })!;
    const seed = numberOption('--seed', values.seed, { integer: true })!;
    const expansionSearch = numberOption('--expansion-search', values['expansion-search'], { min: 10, integer: true });
    const maxMinutes = numberOption('--max-minutes', values['max-minutes'], { min: 1 })!;
    const given = values.embeddings === undefined ? undefined : existingFile('--embeddings', values.embeddings);
    if (!given && !fs.existsSync(FLOWERS)) throw new CliFailure(`${FLOWERS} is missing: pass --embeddings <file written by npm run embed --pca k>`);
    const deadline = setTimeout(() => {
      console.log(`\nstopped: the bench ran past --max-minutes ${maxMinutes} (figures above are complete)`);
      process.exit(3);
    }, maxMinutes * 60_000);
    deadline.unref();

    fs.mkdirSync(values.work!, { recursive: true });
    console.log(`machine: ${os.availableParallelism?.() ?? os.cpus().length} cores, load ${loadAverage()}, ${cpuPressure()}`);
    const real = given ?? (await embedFlowers(values.work!, pca));
    const file = path.join(values.work!, `synthetic-${vectors}-j${jitter}-s${seed}.parquet`);
    const stats = await readRealStatistics(real);
    console.log(`real vectors: ${stats.rows} rows, ${stats.k} PCA components, from ${real}`);
    if (!fs.existsSync(file)) await writeSynthetic(file, real, stats, vectors, jitter, seed);
    else console.log(`synthetic file: ${file} (reused)`);
    if (values.rebuild) for (const f of [indexFileOf(file), manifestFileOf(file)]) fs.rmSync(f, { force: true });

    await storeLevel(file, stats, queries, jitter, seed, expansionSearch);
    if (photos > 0) await graphqlLevel(file, photos);
  },
);

/** The flower photos through npm run embed's own code, once per work folder. */
async function embedFlowers(work: string, pca: number): Promise<string> {
  const out = path.join(work, `flowers-pca${pca}.parquet`);
  if (fs.existsSync(out)) return out;
  console.log(`embedding ${FLOWERS} (500 photos, MobileNet V2, PCA ${pca}) ...`);
  const report = await embedFolder({
    images: FLOWERS,
    out,
    backbone: backboneSourceOf(DEFAULT_BACKBONE, 'global_average_pooling'),
    pca,
    threads: os.availableParallelism?.() ?? os.cpus().length,
    batchSize: 4,
    maxImagePixels: 40_000_000,
    seed: 42,
  });
  console.log(`  ${report.images} photos in ${report.seconds.toFixed(1)} s`);
  return out;
}

interface RealStatistics {
  rows: number;
  k: number;
  projections: Float32Array;
  labels: Array<string | null>;
  /** Standard deviation of each component over the real rows. */
  sd: Float64Array;
  metadata: Record<string, string>;
}

async function readRealStatistics(file: string): Promise<RealStatistics> {
  const table = await readVectorColumn(file, 'pca').catch((error: Error) => {
    throw new CliFailure(`${file}: no PCA column (${error.message}); write it with npm run embed -- --pca 64`);
  });
  const { rows, dim: k, vectors } = table;
  const sd = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < rows.length; r++) {
      sum += vectors[r * k + c];
      squares += vectors[r * k + c] ** 2;
    }
    sd[c] = Math.sqrt(Math.max(0, squares / rows.length - (sum / rows.length) ** 2));
  }
  return { rows: rows.length, k, projections: vectors, labels: rows.map((row) => row.label), sd, metadata: table.metadata };
}

/** One synthetic projection: a random real one plus per-component Gaussian jitter. */
function syntheticVector(stats: RealStatistics, jitter: number, random: Random, out: Float32Array, offset: number): number {
  const base = Math.floor(random() * stats.rows);
  for (let c = 0; c < stats.k; c++) out[offset + c] = stats.projections[base * stats.k + c] + jitter * stats.sd[c] * gaussian(random);
  return base;
}

/**
 * The synthetic set as an embeddings file: the `pca` column holds the vectors and the metadata (backbone,
 * PCA basis) is the real file's, so the gateway serves it as it would a real one. The raw `embedding`
 * column is left empty to keep the file small: the search reads only `pca`. Generated inside DuckDB
 * (a million rows in seconds, where appending lists from JavaScript takes many minutes).
 */
async function writeSynthetic(file: string, realFile: string, stats: RealStatistics, count: number, jitter: number, seed: number): Promise<void> {
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const sql = (text: string) => `'${text.replace(/'/g, "''")}'`;
    const metadata = { ...stats.metadata, synthetic: `${count} rows: real PCA projections + ${jitter} x per-component sd Gaussian noise` };
    const kv = Object.entries(metadata)
      .map(([key, value]) => `${key}: ${sql(value)}`)
      .join(', ');
    await connection.run(`SELECT setseed(${((seed % 1000) + 0.5) / 1000})`);
    await connection.run(`CREATE TABLE real AS SELECT (row_number() OVER (ORDER BY path) - 1)::INTEGER AS i, label, pca FROM read_parquet(${sql(realFile)})`);
    const sd = `([${Array.from(stats.sd, (v) => (jitter * v).toPrecision(8)).join(', ')}]::DOUBLE[])`;
    const partial = `${file}.partial-${process.pid}`;
    await connection.run(`
      COPY (
        SELECT 'synthetic/' || lpad(s.n::VARCHAR, 8, '0') || '.jpg' AS path, r.label, []::FLOAT[] AS embedding,
               list_transform(range(${stats.k}), c -> (r.pca[c + 1] + ${sd}[c + 1] * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::FLOAT) AS pca
        FROM (SELECT range AS n, floor(random() * ${stats.rows})::INTEGER AS base FROM range(${count})) s
        JOIN real r ON r.i = s.base
        ORDER BY s.n
      ) TO ${sql(partial)} (FORMAT parquet, KV_METADATA {${kv}})`);
    fs.renameSync(partial, file);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  console.log(`synthetic file: ${file}, ${count} rows, ${mb(fs.statSync(file).size)}, written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function storeLevel(file: string, stats: RealStatistics, queries: number, jitter: number, seed: number, expansionSearch?: number): Promise<void> {
  console.log('\n== store level (EmbeddingIndex, in this process)');
  let lastPrinted = 0;
  const index = EmbeddingIndex.open(file, {
    maxImagePixels: 40_000_000,
    indexMinRows: 1,
    expansionSearch,
    onIndexProgress: (added, rows) => {
      if (added - lastPrinted >= rows / 10 || added === rows) {
        lastPrinted = added;
        console.log(`  indexed ${added}/${rows} (${loadAverage()})`);
      }
    },
  });
  try {
    const report = await index.ready;
    const indexBytes = fs.statSync(indexFileOf(file)).size;
    console.log(`rows ${report.rows}, ${report.dim}-d (${report.column}); Parquet read + normalised in ${report.readSeconds.toFixed(1)} s`);
    console.log(`HNSW index ${report.built ? 'BUILT' : 'LOADED (saved, manifest matched)'} in ${report.indexSeconds?.toFixed(1)} s; file ${mb(indexBytes)} (${report.indexFile})`);

    const exact = await readVectorColumn(file, 'pca');
    for (let r = 0; r < exact.rows.length; r++) normalize(exact.vectors.subarray(r * exact.dim, (r + 1) * exact.dim));
    const random = seededRandom(seed + 1_000_003);
    const latencies: number[] = [];
    const exactLatencies: number[] = [];
    let hits = 0;
    for (let q = 0; q < queries; q++) {
      const query = new Float32Array(stats.k);
      syntheticVector(stats, jitter, random, query, 0);
      normalize(query);
      const started = performance.now();
      const found = await index.nearest(query, 10);
      latencies.push((performance.now() - started) / 1000);
      const exactStarted = performance.now();
      const truth = cosineTopK(exact.vectors, exact.rows.length, exact.dim, query, 10);
      exactLatencies.push((performance.now() - exactStarted) / 1000);
      const truthPaths = new Set(Array.from(truth.indices, (row) => exact.rows[row].path));
      hits += found.filter((match) => truthPaths.has(match.path)).length;
    }
    const recall = hits / (queries * 10);
    const p95 = percentile(latencies, 0.95);
    console.log(`similar lookup (index): p50 ${ms(percentile(latencies, 0.5))}, p95 ${ms(p95)} over ${queries} queries`);
    console.log(`exact search (cosineTopK): p50 ${ms(percentile(exactLatencies, 0.5))}, p95 ${ms(percentile(exactLatencies, 0.95))}`);
    console.log(`recall@10 against exact: ${recall.toFixed(4)}`);
    console.log(`target p95 <= ${TARGET.p95Ms} ms and recall@10 >= ${TARGET.recall}: ${p95 * 1000 <= TARGET.p95Ms && recall >= TARGET.recall ? 'MET' : 'NOT MET'}`);
  } finally {
    await index.close();
  }
}

async function graphqlLevel(file: string, photos: number): Promise<void> {
  console.log('\n== GraphQL level (a gateway process serving the file)');
  const files = (await listImageFiles(FLOWERS)).slice(0, 500);
  const picked = Array.from({ length: photos }, (_, i) => files[Math.floor((i * files.length) / photos)]);
  const gateway = await startGatewayProcess({ EMBEDDINGS: file, INFERENCE_WORKERS: '1', MODELS_DIR: path.join(os.tmpdir(), 'similar-bench-no-models') });
  try {
    const ask = async (bytes: Buffer) => {
      const form = new FormData();
      form.append('operations', JSON.stringify({ query: SIMILAR, variables: { file: null, first: 10 } }));
      form.append('map', JSON.stringify({ 0: ['variables.file'] }));
      form.append('0', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), 'query.jpg');
      const response = await fetch(gateway.url, { method: 'POST', body: form, headers: { 'apollo-require-preflight': 'true' } });
      const body = (await response.json()) as { data?: { similarImages: unknown[] }; errors?: Array<{ message: string }> };
      if (body.errors) throw new CliFailure(`similarImages failed: ${body.errors[0].message}`);
      return body.data!.similarImages;
    };
    const first = fs.readFileSync(picked[0].file);
    let started = performance.now();
    await ask(first);
    console.log(`first answer after start (file read + saved index loaded + backbone): ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const { rssBytes } = processStats(gateway.pid);
    console.log(`gateway RSS with the index loaded: ${mb(rssBytes)}`);
    const total: number[] = [];
    for (const photo of picked) {
      const bytes = fs.readFileSync(photo.file);
      started = performance.now();
      await ask(bytes);
      total.push((performance.now() - started) / 1000);
    }
    const embedOnly = await embeddingCost(picked.map((photo) => photo.file));
    console.log(`similarImages over HTTP (upload + decode + embed + lookup): p50 ${ms(percentile(total, 0.5))}, p95 ${ms(percentile(total, 0.95))} over ${photos} photos`);
    console.log(`decode + embed alone (same photos, one backbone thread here): p50 ${ms(percentile(embedOnly, 0.5))}, p95 ${ms(percentile(embedOnly, 0.95))}`);
    console.log(`=> lookup + GraphQL + upload share: about ${ms(percentile(total, 0.5) - percentile(embedOnly, 0.5))} at p50`);
  } finally {
    await gateway.stop();
  }
}

async function embeddingCost(files: string[]): Promise<number[]> {
  const thread = await BackboneThread.start(backboneSourceOf(DEFAULT_BACKBONE, 'global_average_pooling'));
  try {
    const times: number[] = [];
    for (const file of files) {
      const started = performance.now();
      const decoded = await decodeImage(fs.readFileSync(file), thread.info.inputSize, 40_000_000);
      if (decoded.pixels) await thread.embed(decoded.pixels, 1);
      times.push((performance.now() - started) / 1000);
    }
    return times;
  } finally {
    await thread.close();
  }
}
