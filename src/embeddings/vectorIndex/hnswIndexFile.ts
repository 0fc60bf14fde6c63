import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkerCallFailed } from '../../workers/workerErrors';
import { WorkerChannel } from '../../workers/WorkerChannel';
import type { VectorColumn } from '../embeddingsParquet';
import type { HnswBuildJob, HnswBuildProtocol } from './hnswBuild.protocol';
import { HnswIndex } from './HnswIndex';
import { HNSW_PARAMETERS } from './hnswParameters';
import type { IndexedImage } from './VectorSearch';

/**
 * The HNSW index of an embeddings Parquet file, kept beside it (`<file>.usearch`) with a manifest
 * (`<file>.usearch.json`) naming the Parquet content (SHA-256), the column, the row count and the build
 * parameters. A manifest that matches means the index is loaded as it is; anything else (a re-embedded
 * file, other parameters, a missing or half-written index) means it is built again. The manifest is
 * written last, so an interrupted build is never taken for a finished one.
 */
export interface IndexManifest {
  format: 1;
  parquet: { sha256: string; bytes: number };
  column: VectorColumn;
  rows: number;
  dim: number;
  build: typeof BUILD;
}

const BUILD = { library: 'usearch', metric: HNSW_PARAMETERS.metric, connectivity: HNSW_PARAMETERS.connectivity, expansionAdd: HNSW_PARAMETERS.expansionAdd };

export interface OpenedHnswIndex {
  index: HnswIndex;
  /** False when a saved index matched and was loaded. */
  built: boolean;
  seconds: number;
  indexFile: string;
}

export interface OpenHnswOptions {
  parquetFile: string;
  column: VectorColumn;
  /** rows × dim unit vectors in the row order the index's keys refer to. */
  matrix: Float32Array;
  rows: number;
  dim: number;
  /** The image of each row (key r answers as `images[r]`). */
  images: readonly IndexedImage[];
  threads?: number;
  /** Candidates kept while searching (default HNSW_PARAMETERS.expansionSearch); not part of the saved graph. */
  expansionSearch?: number;
  onProgress?(added: number, rows: number): void;
}

export const indexFileOf = (parquetFile: string) => `${parquetFile}.usearch`;
export const manifestFileOf = (parquetFile: string) => `${parquetFile}.usearch.json`;

export async function openHnswIndex(options: OpenHnswOptions): Promise<OpenedHnswIndex> {
  const started = performance.now();
  const indexFile = indexFileOf(options.parquetFile);
  const manifestFile = manifestFileOf(options.parquetFile);
  const stats = await fs.stat(options.parquetFile);
  const wanted: IndexManifest = {
    format: 1,
    parquet: { sha256: await sha256Of(options.parquetFile), bytes: stats.size },
    column: options.column,
    rows: options.rows,
    dim: options.dim,
    build: BUILD,
  };
  const saved = await readManifest(manifestFile);
  if (saved && JSON.stringify(saved) === JSON.stringify(wanted) && (await exists(indexFile))) {
    const index = HnswIndex.load(indexFile, options.dim, options.images, options.expansionSearch);
    if (index.size === options.rows) return { index, built: false, seconds: (performance.now() - started) / 1000, indexFile };
  }
  await fs.rm(manifestFile, { force: true });
  const partial = `${indexFile}.partial-${process.pid}`;
  try {
    await buildInThread(options, partial);
    await fs.rename(partial, indexFile);
  } finally {
    await fs.rm(partial, { force: true });
  }
  await fs.writeFile(manifestFile, `${JSON.stringify(wanted, null, 2)}\n`);
  const index = HnswIndex.load(indexFile, options.dim, options.images, options.expansionSearch);
  return { index, built: true, seconds: (performance.now() - started) / 1000, indexFile };
}

async function buildInThread(options: OpenHnswOptions, out: string): Promise<void> {
  let shared = options.matrix;
  if (!(shared.buffer instanceof SharedArrayBuffer)) {
    shared = new Float32Array(new SharedArrayBuffer(options.matrix.byteLength));
    shared.set(options.matrix);
  }
  const job: HnswBuildJob = {
    matrix: shared.buffer as SharedArrayBuffer,
    rows: options.rows,
    dim: options.dim,
    out,
    threads: options.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
  };
  const channel = await WorkerChannel.start<HnswBuildProtocol>(path.join(__dirname, 'hnswBuild.worker'), undefined, {
    name: 'index build thread',
    onEvent: ({ added }) => options.onProgress?.(added, options.rows),
  });
  try {
    await channel.call('build', job).catch((error: Error) => {
      throw error instanceof WorkerCallFailed ? new Error(`the index could not be built: ${error.message}`) : error;
    });
  } finally {
    await channel.terminate();
  }
}

async function readManifest(file: string): Promise<IndexManifest | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
