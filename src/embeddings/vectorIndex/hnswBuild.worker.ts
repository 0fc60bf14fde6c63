import { serveWorker } from '../../workers/serveWorker';
import { buildHnswGraph } from './buildHnswGraph';
import type { HnswBuildJob, HnswBuildProtocol } from './hnswBuild.protocol';

/** Builds the graph off the main thread: usearch's insert is a blocking native call, minutes long at a million rows. */
export function buildHnswFile(data: HnswBuildJob, onProgress: (added: number) => void): void {
  const index = buildHnswGraph(new Float32Array(data.matrix), data.rows, data.dim, { threads: data.threads, onProgress });
  index.save(data.out);
}

serveWorker<HnswBuildProtocol>((_data, emit) => ({
  ready: undefined,
  handlers: { build: (job) => buildHnswFile(job, (added) => emit({ added })) },
}));
