import fs from 'node:fs';
import v8 from 'node:v8';
import { parentPort, threadId } from 'node:worker_threads';
import { LoadedModel } from './loadedModel';
import { Tf, initBackend } from './tfBackend';
import type { LoadedReply, PredictReply, WorkerReply, WorkerRequest, WorkerStats } from './workerProtocol';

/**
 * One inference thread: its own TF.js backend and its own copy of every model. Requests are handled
 * strictly one after another, so a `load` that replaces a model never interleaves with a `predict`.
 */
if (!parentPort) throw new Error('inferenceWorker must run in a worker thread');
const port = parentPort;
const models = new Map<string, LoadedModel>();

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
        const model = await LoadedModel.load(tf, request.dir);
        models.get(request.key)?.dispose();
        models.set(request.key, model);
        const result: LoadedReply = { inputSize: model.inputSize, labels: model.spec.labels.length };
        return send({ type: 'ok', id: request.id, result });
      }
      case 'unload':
        models.get(request.key)?.dispose();
        models.delete(request.key);
        return send({ type: 'ok', id: request.id });
      case 'predict': {
        const model = models.get(request.key);
        if (!model) throw new Error(`model ${request.key} is not loaded in this worker`);
        const started = process.hrtime.bigint();
        const scores = model.predict(request.pixels, request.count);
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
