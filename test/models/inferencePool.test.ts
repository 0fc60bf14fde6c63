import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ErrorCode } from '../../src/errors';
import { GatewayMetrics } from '../../src/metrics';
import { InferencePool } from '../../src/models/InferencePool';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { writeTinyModel } from './support/tinyModel';

const options = { minConfidence: 0, maxResults: 3 };
let root: string;
let tinyDir: string;
let slowDir: string;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'pool-'));
  tinyDir = await writeTinyModel(path.join(root, 'tiny'));
  // Large inputs make one predict call take long enough to be caught in flight.
  slowDir = await writeTinyModel(path.join(root, 'slow'), { inputSize: 640 });
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function registryWith(env: Record<string, string>, metrics?: GatewayMetrics) {
  return ModelRegistry.create(loadConfig({ MODEL_DIR: tinyDir, MODELS_DIR: path.join(root, 'none'), ...env }), metrics);
}

async function batchSizes(metrics: GatewayMetrics): Promise<{ batches: number; images: number }> {
  const { values } = await metrics.inferenceBatchSize.get();
  const pick = (name: string) => values.filter((value) => value.metricName === name).reduce((sum, value) => sum + value.value, 0);
  return { batches: pick('gateway_inference_batch_size_count'), images: pick('gateway_inference_batch_size_sum') };
}

describe('InferencePool', () => {
  test('concurrent single-image requests are micro-batched', async () => {
    const metrics = new GatewayMetrics();
    const registry = await registryWith({ INFERENCE_WORKERS: '1', INFERENCE_MAX_BATCH: '8', INFERENCE_MAX_WAIT_MS: '25' }, metrics);
    const image = await solidPng('#ff0000');
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => registry.classify([image], options)));
    expect(outcomes.every(([outcome]) => outcome.labels?.[0].name === 'red')).toBe(true);
    const { batches, images } = await batchSizes(metrics);
    expect(images).toBe(12);
    expect(batches).toBeLessThan(12);
    await registry.close();
  });

  test('a request of 16 images is split over the idle workers, at most INFERENCE_MAX_BATCH each', async () => {
    const metrics = new GatewayMetrics();
    const registry = await registryWith({ INFERENCE_WORKERS: '2', INFERENCE_MAX_BATCH: '8', INFERENCE_MAX_WAIT_MS: '0' }, metrics);
    const colours = ['#ff0000', '#00ff00', '#0000ff', '#ff0000'];
    const images = await Promise.all(Array.from({ length: 16 }, (_, i) => solidPng(colours[i % 4])));
    const outcomes = await registry.classify(images, options);
    expect(outcomes.map((outcome) => outcome.labels![0].name)).toEqual(Array.from({ length: 16 }, (_, i) => ['red', 'green', 'blue', 'red'][i % 4]));
    expect(await batchSizes(metrics)).toEqual({ batches: 2, images: 16 });
    await expect(metrics.inferenceWorkers.get()).resolves.toMatchObject({ values: [{ value: 2 }] });
    await registry.close();
  });

  test('when the queue is full, a request gets OVERLOADED at once and the others still finish', async () => {
    const registry = await registryWith({ INFERENCE_WORKERS: '1', INFERENCE_QUEUE_LIMIT: '4', MAX_UPLOAD_FILES: '4', INFERENCE_MAX_BATCH: '1' });
    const images = await Promise.all(Array.from({ length: 4 }, () => solidPng('#0000ff')));
    let firstDone = false;
    const first = registry.classify(images, options).finally(() => (firstDone = true));
    await expect(registry.classify([images[0]], options)).rejects.toMatchObject({ code: ErrorCode.Overloaded });
    // "At once" without a clock: refused while the first request still waits for the worker.
    expect(firstDone).toBe(false);
    expect((await first).map((outcome) => outcome.labels![0].name)).toEqual(['blue', 'blue', 'blue', 'blue']);
    expect((await registry.classify([images[0]], options))[0].labels![0].name).toBe('blue');
    await registry.close();
  });

  test('a crashed worker fails its in-flight batch with MODEL_UNAVAILABLE and is replaced', async () => {
    const metrics = new GatewayMetrics();
    const pool = await InferencePool.start({ workers: 1, maxBatch: 16, maxWaitMs: 0, queueLimit: 64, metrics });
    const { inputSize } = await pool.load('slow#1', slowDir);
    const [before] = await pool.workerStats();
    const pixels = Array.from({ length: 16 }, () => new Uint8Array(inputSize * inputSize * 3).fill(200));
    const admission = pool.admit(16);
    const inFlight = pool.run({ key: 'slow#1', label: 'slow' }, pixels, admission);
    await pool.killWorker(0);
    await expect(inFlight).rejects.toMatchObject({ code: ErrorCode.ModelUnavailable, message: expect.stringContaining('stopped unexpectedly') });
    admission.release();

    await waitFor(() => pool.liveWorkers === 1);
    const [after] = await pool.workerStats();
    expect(after.threadId).not.toBe(before.threadId);
    expect(after.models).toEqual(['slow#1']);
    const again = pool.admit(1);
    const [scores] = await pool.run({ key: 'slow#1', label: 'slow' }, [pixels[0]], again);
    again.release();
    expect(scores).toHaveLength(3);
    await pool.close();
  });

  test('images for a model no worker has loaded fail instead of waiting forever', async () => {
    const pool = await InferencePool.start({ workers: 1, maxBatch: 4, maxWaitMs: 0, queueLimit: 8 });
    const admission = pool.admit(1);
    await expect(pool.run({ key: 'never#1', label: 'never' }, [new Uint8Array(12)], admission)).rejects.toMatchObject({
      code: ErrorCode.ModelUnavailable,
    });
    admission.release();
    await pool.close();
  });

  test('close fails queued work with SHUTTING_DOWN and stops the workers', async () => {
    const pool = await InferencePool.start({ workers: 1, maxBatch: 1, maxWaitMs: 0, queueLimit: 64 });
    const { inputSize } = await pool.load('slow#1', slowDir);
    const admission = pool.admit(3);
    const work = pool.run(
      { key: 'slow#1', label: 'slow' },
      Array.from({ length: 3 }, () => new Uint8Array(inputSize * inputSize * 3)),
      admission,
    );
    const failed = expect(work).rejects.toMatchObject({ code: ErrorCode.ShuttingDown });
    await pool.close();
    await failed;
    expect(pool.liveWorkers).toBe(0);
    expect(() => pool.admit(1)).toThrow('shutting down');
  });

  test('the compiled build (dist/) runs its worker from inference.worker.js', async () => {
    const distModels = path.resolve(__dirname, '../../dist/src/models');
    if (!fs.existsSync(path.join(distModels, 'inference.worker.js'))) {
      console.warn(`[skip] ${distModels} is not built (jest's globalSetup runs tsc -p tsconfig.build.json)`);
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled dist/ file is under test, loaded by a path known at run time
    const compiled = require(path.join(distModels, 'InferencePool.js')) as { InferencePool: typeof InferencePool };
    const pool = await compiled.InferencePool.start({ workers: 1, maxBatch: 4, maxWaitMs: 0, queueLimit: 8 });
    expect(pool.backend).toBe('wasm');
    const { inputSize } = await pool.load('tiny#1', tinyDir);
    const admission = pool.admit(1);
    const red = new Uint8Array(inputSize * inputSize * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
    const [scores] = await pool.run({ key: 'tiny#1', label: 'tiny' }, [red], admission);
    expect(scores[0]).toBeGreaterThan(0.99);
    await pool.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
