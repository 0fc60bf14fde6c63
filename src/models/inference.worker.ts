import fs from 'node:fs';
import v8 from 'node:v8';
import { threadId } from 'node:worker_threads';
import { ServedModel } from '../runtime/servedModel';
import { transferred } from '../workers/protocol';
import { serveWorker } from '../workers/serveWorker';
import type { InferenceProtocol, LoadedReply, WorkerStats } from './inference.protocol';
import { initBackend } from './tfBackend';

/**
 * One inference thread: its own TF.js backend, its own ONNX Runtime sessions and its own copy of every
 * model, each served by the runtime its plan names (ONNX Runtime when the model has an ONNX form). Calls are
 * answered strictly one after another (serveWorker), so a `load` that replaces a model never interleaves with a `predict`.
 */
serveWorker<InferenceProtocol>(async (data) => {
  nameThread();
  const { tf, backend } = await initBackend();
  const models = new Map<string, ServedModel>();
  return {
    ready: { backend },
    handlers: {
      async load({ key, plan }) {
        const model = await ServedModel.load(plan, data);
        await models.get(key)?.dispose();
        models.set(key, model);
        const loaded: LoadedReply = {
          inputSize: model.inputSize,
          labels: model.spec.labels.length,
          runtime: model.runtime,
          backend: model.session.backend,
          ...(model.fallbackReason === undefined ? {} : { fallbackReason: model.fallbackReason }),
        };
        return loaded;
      },
      async unload({ key }) {
        await models.get(key)?.dispose();
        models.delete(key);
      },
      async predict({ key, pixels, count }) {
        const model = models.get(key);
        if (!model) throw new Error(`model ${key} is not loaded in this worker`);
        const started = process.hrtime.bigint();
        const scores = await model.predict(pixels, count);
        return transferred({ scores, seconds: Number(process.hrtime.bigint() - started) / 1e9 }, [scores.buffer as ArrayBuffer]);
      },
      stats() {
        const memory = tf.memory();
        const stats: WorkerStats = {
          threadId,
          backend,
          numTensors: memory.numTensors,
          numBytes: memory.numBytes,
          heapUsedBytes: v8.getHeapStatistics().used_heap_size,
          models: [...models.keys()],
          runtimes: Object.fromEntries([...models].map(([key, model]) => [key, model.runtime])),
        };
        return stats;
      },
    },
  };
});

/**
 * Linux: name this thread "tfjs-inference" (as `top -H`, `ps -L` and /proc/<pid>/task/<tid>/comm show
 * it) so that operators and benchmarks can tell inference CPU from the main thread's and libvips'.
 */
function nameThread(): void {
  try {
    fs.writeFileSync('/proc/thread-self/comm', 'tfjs-inference');
  } catch {
    // not Linux, or /proc not mounted: cosmetic only
  }
}
