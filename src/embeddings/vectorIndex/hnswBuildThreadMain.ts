import { parentPort, workerData } from 'node:worker_threads';
import { workerDataOf } from '../../workers/spawnWorker';
import { buildHnswGraph } from './buildHnswGraph';
import type { HnswBuildData, HnswBuildReply } from './hnswBuildProtocol';

/** Builds the graph off the main thread: usearch's insert is a blocking native call, minutes long at a million rows. */
const data = workerDataOf<HnswBuildData>(workerData);
const send = (reply: HnswBuildReply) => parentPort!.postMessage(reply);

try {
  const index = buildHnswGraph(new Float32Array(data.matrix), data.rows, data.dim, { threads: data.threads, onProgress: (added) => send({ type: 'progress', added }) });
  index.save(data.out);
  send({ type: 'done' });
} catch (error) {
  send({ type: 'failed', message: (error as Error).message });
}
