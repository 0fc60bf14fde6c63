import fs from 'node:fs';
import v8 from 'node:v8';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { ServedModel } from '../runtime/servedModel';
import { workerDataOf } from '../workers/spawnWorker';
import { Tf, initBackend } from './tfBackend';
import type { InferenceWorkerData, LoadedReply, PredictReply, WorkerReply, WorkerRequest, WorkerStats } from './workerProtocol';

/**
 * One inference thread: its own TF.js backend, its own ONNX Runtime sessions and its own copy of every
 * model, each served by the runtime its plan names (ONNX Runtime when the model has an ONNX form). Requests are handled
 * strictly one after another, so a `load` that replaces a model never interleaves with a `predict`.
 */
if (!parentPort) throw new Error('inferenceWorker must run in a worker thread');
const port = parentPort;
const models = new Map<string, ServedModel>();
const options = { onnxThreads: 1, maxBatch: 8, ...workerDataOf<Partial<InferenceWorkerData> | undefined>(workerData) };

async function main(): Promise<void> {
  nameThread();
  let runtime: { tf: Tf; backend: string };
  try {
    runtime = await initBackend();
  } catch (error) {
    send({ type: 'fatal', message: (error as Error).message });
    return;
  }
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    previous = previous.then(() => handle(runtime, request));
  });
  send({ type: 'ready', backend: runtime.backend });
}

async function handle({ tf, backend }: { tf: Tf; backend: string }, request: WorkerRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'load': {
        const model = await ServedModel.load(request.plan, options);
        await models.get(request.key)?.dispose();
        models.set(request.key, model);
        const result: LoadedReply = {
          inputSize: model.inputSize,
          labels: model.spec.labels.length,
          runtime: model.runtime,
          backend: model.session.backend,
          ...(model.fallbackReason === undefined ? {} : { fallbackReason: model.fallbackReason }),
        };
        return send({ type: 'ok', id: request.id, result });
      }
      case 'unload':
        await models.get(request.key)?.dispose();
        models.delete(request.key);
        return send({ type: 'ok', id: request.id });
      case 'predict': {
        const model = models.get(request.key);
        if (!model) throw new Error(`model ${request.key} is not loaded in this worker`);
        const started = process.hrtime.bigint();
        const scores = await model.predict(request.pixels, request.count);
        const result: PredictReply = { scores, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
        return send({ type: 'ok', id: request.id, result }, [scores.buffer as ArrayBuffer]);
      }
      case 'stats': {
        const memory = tf.memory();
        const result: WorkerStats = {
          threadId,
          backend,
          numTensors: memory.numTensors,
          numBytes: memory.numBytes,
          heapUsedBytes: v8.getHeapStatistics().used_heap_size,
          models: [...models.keys()],
          runtimes: Object.fromEntries([...models].map(([key, model]) => [key, model.runtime])),
        };
        return send({ type: 'ok', id: request.id, result });
      }
    }
  } catch (error) {
    send({ type: 'failed', id: request.id, message: (error as Error).message });
  }
}

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

function send(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

void main();
