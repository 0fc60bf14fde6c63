import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend } from '../../src/models/tfBackend';
import { threadCpuSeconds } from './threadCpu';

/**
 * Bare `model.predict` in a worker_thread set up exactly as the gateway's inference workers are
 * (`initBackend()` then `LoadedModel.load()`), on pixels decoded beforehand: the ceiling the gateway
 * is measured against. Started by bench/classify.ts; replies once with its figures.
 */
export interface PredictJob {
  modelDir: string;
  batch: number;
  seconds: number;
  /** Upper bound on predict calls, whatever the time. */
  maxCalls: number;
  warmUpCalls: number;
  /** Several workers started together wait for this flag so that their timed loops overlap. */
  startFlag?: Int32Array;
}

export interface PredictFigures {
  backend: string;
  calls: number;
  images: number;
  wallSeconds: number;
  /** CPU time of this thread only (from /proc/thread-self/stat), or undefined where that is not readable. */
  threadCpuSeconds?: number;
  callMs: { p50: number; p95: number };
}

export { threadCpuSeconds };

/**
 * Protocol: the worker loads the model and posts `{type: 'loaded', inputSize}`; the parent answers with
 * one decoded image (inputSize² RGB bytes, repeated `batch` times per call); the worker posts
 * `{type: 'done', figures}` or `{type: 'failed', message}`.
 */
async function main(job: PredictJob, port: MessagePort): Promise<PredictFigures> {
  const { tf, backend } = await initBackend();
  const model = await LoadedModel.load(tf, job.modelDir);
  const pixels = await new Promise<Uint8Array>((resolve) => {
    port.once('message', (message: { pixels: Uint8Array }) => resolve(message.pixels));
    port.postMessage({ type: 'loaded', inputSize: model.inputSize });
  });
  const size = pixels.length;
  if (size !== model.inputSize * model.inputSize * 3) throw new Error(`expected ${model.inputSize}² RGB pixels, got ${size} bytes`);
  const batch = new Uint8Array(size * job.batch);
  for (let i = 0; i < job.batch; i++) batch.set(pixels, i * size);
  for (let i = 0; i < job.warmUpCalls; i++) model.predict(batch, job.batch);
  if (job.startFlag) {
    Atomics.add(job.startFlag, 1, 1);
    Atomics.wait(job.startFlag, 0, 0, 60_000);
  }
  const tensorsBefore = tf.memory().numTensors;
  const callMs: number[] = [];
  const cpuBefore = threadCpuSeconds();
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  while (callMs.length < job.maxCalls && performance.now() < deadline) {
    const t0 = performance.now();
    model.predict(batch, job.batch);
    callMs.push(performance.now() - t0);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = threadCpuSeconds();
  if (tf.memory().numTensors !== tensorsBefore) throw new Error(`predict leaked tensors: ${tensorsBefore} -> ${tf.memory().numTensors}`);
  model.dispose();
  const sorted = [...callMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    backend,
    calls: callMs.length,
    images: callMs.length * job.batch,
    wallSeconds,
    threadCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
    callMs: { p50: at(0.5), p95: at(0.95) },
  };
}

if (parentPort) {
  const port = parentPort;
  main(workerData as PredictJob, port).then(
    (figures) => port.postMessage({ type: 'done', figures }),
    (error: Error) => port.postMessage({ type: 'failed', message: error.stack ?? error.message }),
  );
}
