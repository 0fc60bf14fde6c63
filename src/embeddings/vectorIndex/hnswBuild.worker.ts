import { serveWorker } from '../../workers/serveWorker';
import type { HnswBuildJob, HnswBuildProtocol } from './hnswBuild.protocol';
import { HnswIndex } from './HnswIndex';

/**
 * Builds the graph off the main thread: usearch's insert is a blocking native call, minutes long at a
 * million rows. Rows go in by chunks so that progress is reported and a terminate takes effect soon.
 */
const CHUNK = 25_000;

export function buildHnswFile(data: HnswBuildJob, onProgress: (added: number) => void): void {
  const matrix = new Float32Array(data.matrix);
  const index = HnswIndex.create(data.dim);
  for (let start = 0; start < data.rows; start += CHUNK) {
    const end = Math.min(data.rows, start + CHUNK);
    const keys = new BigUint64Array(end - start);
    for (let r = start; r < end; r++) keys[r - start] = BigInt(r);
    index.add(keys, matrix.subarray(start * data.dim, end * data.dim), data.threads);
    onProgress(end);
  }
  index.save(data.out);
}

serveWorker<HnswBuildProtocol>((_data, emit) => ({
  ready: undefined,
  handlers: { build: (job) => buildHnswFile(job, (added) => emit({ added })) },
}));
