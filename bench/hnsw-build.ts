import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { existingFile, numberOption, runCli } from '../scripts/support/cli';
import { cosineTopK, normalize } from '../src/embeddings/cosineTopK';
import { readVectorColumn } from '../src/embeddings/embeddingsParquet';
import { gaussian, seededRandom, type Random } from '../src/embeddings/random';
import { buildHnswGraph } from '../src/embeddings/vectorIndex/buildHnswGraph';
import { HNSW_PARAMETERS } from '../src/embeddings/vectorIndex/hnswParameters';
import { cpuPressure, loadAverage } from './support/gatewayProcess';

const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const TARGET_MILLION_SECONDS = 300;

const USAGE = `npm run bench:hnsw-build -- [--vectors 200000] [--dim 64] [--threads ${CORES}] [--compare-threads]
                              [--embeddings <file with a pca column>] [--queries 100] [--seed 7]

The similar-images HNSW build (buildHnswGraph: usearch's batch add on --threads native threads, the
gateway's parameters: connectivity ${HNSW_PARAMETERS.connectivity}, ${HNSW_PARAMETERS.expansionAdd} candidates when inserting) over --vectors unit vectors
of --dim values: projections of --embeddings (a file written by npm run embed --pca k; its k is the
dimension) or of 500 Gaussian cluster centres, each plus noise of 0.5 x the per-component spread.
Prints build time, vectors/s, CPU time / wall time (cores used) and recall@10 against exact search on
--queries fresh vectors (${HNSW_PARAMETERS.expansionSearch} candidates when searching). --compare-threads builds with 1 thread
first. The gateway searches the pca column when the file has one (64-d in the README's set-up).`;

runCli(
  {
    usage: USAGE,
    options: {
      vectors: { type: 'string', default: '200000' },
      dim: { type: 'string', default: '64' },
      threads: { type: 'string', default: String(CORES) },
      'compare-threads': { type: 'boolean', default: false },
      embeddings: { type: 'string' },
      queries: { type: 'string', default: '100' },
      seed: { type: 'string', default: '7' },
    },
  },
  async ({ values }) => {
    const rows = numberOption('--vectors', values.vectors, { min: 1000, integer: true })!;
    const threads = numberOption('--threads', values.threads, { min: 1, integer: true })!;
    const queries = numberOption('--queries', values.queries, { min: 1, integer: true })!;
    const seed = numberOption('--seed', values.seed, { integer: true })!;
    const centres = values.embeddings
      ? await realCentres(existingFile('--embeddings', values.embeddings))
      : gaussianCentres(numberOption('--dim', values.dim, { min: 2, integer: true })!, seededRandom(seed));
    const dim = centres.dim;
    console.log(`machine: ${CORES} cores, ${os.cpus()[0]?.model ?? 'cpu'}; load average ${loadAverage()}, ${cpuPressure()}`);
    let started = performance.now();
    const random = seededRandom(seed + 1);
    const matrix = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) jittered(centres, random, matrix.subarray(r * dim, (r + 1) * dim));
    console.log(`${rows} vectors x ${dim}-d (${centres.from}) generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const probes = Array.from({ length: queries }, () => jittered(centres, random, new Float32Array(dim)));
    started = performance.now();
    const truth = probes.map((query) => cosineTopK(matrix, rows, dim, query, 10).indices);
    console.log(`exact top-10 of ${queries} queries in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    for (const count of values['compare-threads'] && threads > 1 ? [1, threads] : [threads]) {
      const cpuBefore = process.cpuUsage();
      const loadBefore = loadAverage();
      started = performance.now();
      let printed = 0;
      const index = buildHnswGraph(matrix, rows, dim, {
        threads: count,
        onProgress: (added) => {
          if (added - printed < rows / 5 && added < rows) return;
          printed = added;
          console.log(`  ${count} thread(s): ${added}/${rows} in ${((performance.now() - started) / 1000).toFixed(0)} s (load ${loadAverage()})`);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      let hits = 0;
      for (const [q, query] of probes.entries()) {
        const found = new Set(Array.from(index.search(query, 10, 1).keys, Number));
        hits += Array.from(truth[q]).filter((row) => found.has(row)).length;
      }
      const file = path.join(os.tmpdir(), `bench-hnsw-${process.pid}.usearch`);
      index.save(file);
      const bytes = fs.statSync(file).size;
      fs.rmSync(file, { force: true });
      const perMillion = (seconds * 1e6) / rows;
      console.log(
        `${count} thread(s): built in ${seconds.toFixed(1)} s = ${(rows / seconds).toFixed(0)} vectors/s; CPU ${cpuSeconds.toFixed(1)} s, ` +
          `CPU / wall ${(cpuSeconds / seconds).toFixed(2)} cores (${((100 * cpuSeconds) / seconds / CORES).toFixed(0)}% of ${CORES}); ` +
          `${((1000 * cpuSeconds) / rows).toFixed(3)} CPU-ms per vector; recall@10 ${(hits / (queries * 10)).toFixed(4)}; file ${(bytes / 1024 / 1024).toFixed(0)} MB; load ${loadBefore} -> ${loadAverage()}`,
      );
      if (rows < 1e6) console.log(`  linear extrapolation to 1M rows: ${perMillion.toFixed(0)} s (a lower bound: inserts slow down as log(rows) grows)`);
      else console.log(`  1M-vector build: ${seconds.toFixed(0)} s against a target of <= ${TARGET_MILLION_SECONDS} s: ${seconds <= TARGET_MILLION_SECONDS ? 'MET' : 'NOT MET'}`);
    }
  },
);

interface Centres {
  dim: number;
  count: number;
  values: Float32Array;
  /** Per-component standard deviation of the centres: the scale of the noise. */
  sd: Float64Array;
  from: string;
}

function gaussianCentres(dim: number, random: Random): Centres {
  const count = 500;
  const values = Float32Array.from({ length: count * dim }, () => gaussian(random));
  return { dim, count, values, sd: new Float64Array(dim).fill(1), from: `${count} Gaussian cluster centres + noise` };
}

async function realCentres(file: string): Promise<Centres> {
  const { rows, dim, vectors } = await readVectorColumn(file, 'pca');
  const sd = new Float64Array(dim);
  for (let c = 0; c < dim; c++) {
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < rows.length; r++) {
      sum += vectors[r * dim + c];
      squares += vectors[r * dim + c] ** 2;
    }
    sd[c] = Math.sqrt(Math.max(0, squares / rows.length - (sum / rows.length) ** 2));
  }
  return { dim, count: rows.length, values: vectors, sd, from: `the ${rows.length} PCA projections of ${path.basename(file)} + noise` };
}

/** A random centre plus Gaussian noise of 0.5 x each component's spread, scaled to unit length. */
function jittered(centres: Centres, random: Random, out: Float32Array): Float32Array {
  const base = Math.floor(random() * centres.count) * centres.dim;
  for (let c = 0; c < centres.dim; c++) out[c] = centres.values[base + c] + 0.5 * centres.sd[c] * gaussian(random);
  return normalize(out);
}
