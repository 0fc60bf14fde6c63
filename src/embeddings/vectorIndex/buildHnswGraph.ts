import type { Index } from 'usearch';
import { HnswIndex } from './HnswIndex';

export interface HnswGraphBuild {
  /** Native threads inserting at once (usearch's batch add splits each call's rows between them). */
  threads: number;
  /** Rows per add call (default: a twentieth of the rows, at least 25,000). */
  chunkRows?: number;
  onProgress?(added: number): void;
}

const MIN_CHUNK = 25_000;

/**
 * The HNSW graph of `rows` unit vectors (rows × dim, row-major), key r for row r. usearch's batch add
 * splits each call's rows between `threads` native threads (the calling one and threads - 1 it spawns)
 * inserting into the one graph at once. A call is a blocking native call, so callers run this off the
 * event loop (hnswBuild.worker.ts). Rows go in by chunks so that progress is reported and a terminate
 * takes effect between calls; each call ends when its slowest thread does, so chunks stay large.
 */
export function buildHnswGraph(matrix: Float32Array, rows: number, dim: number, build: HnswGraphBuild): Index {
  const index = HnswIndex.create(dim);
  const chunk = build.chunkRows ?? Math.max(MIN_CHUNK, Math.ceil(rows / 20));
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const keys = new BigUint64Array(end - start);
    for (let r = start; r < end; r++) keys[r - start] = BigInt(r);
    index.add(keys, matrix.subarray(start * dim, end * dim), Math.max(1, build.threads));
    build.onProgress?.(end);
  }
  return index;
}
