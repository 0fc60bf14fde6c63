import { parentPort, workerData } from 'node:worker_threads';
import { workerDataOf } from '../../workers/spawnWorker';
import type { HnswBuildData, HnswBuildReply } from './hnswBuildProtocol';
import { HnswIndex } from './HnswIndex';

/**
 * Builds the graph off the main thread: usearch's insert is a blocking native call, minutes long at a
 * million rows. Rows go in by chunks so that progress is reported and a terminate takes effect soon.
 */
const CHUNK = 25_000;
const data = workerDataOf<HnswBuildData>(workerData);
const send = (reply: HnswBuildReply) => parentPort!.postMessage(reply);

try {
  const matrix = new Float32Array(data.matrix);
  const index = HnswIndex.create(data.dim);
  for (let start = 0; start < data.rows; start += CHUNK) {
    const end = Math.min(data.rows, start + CHUNK);
    const keys = new BigUint64Array(end - start);
    for (let r = start; r < end; r++) keys[r - start] = BigInt(r);
    index.add(keys, matrix.subarray(start * data.dim, end * data.dim), data.threads);
    send({ type: 'progress', added: end });
  }
  index.save(data.out);
  send({ type: 'done' });
} catch (error) {
  send({ type: 'failed', message: (error as Error).message });
}
