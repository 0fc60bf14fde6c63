import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { isModelFolder } from '../../src/models/modelFolder';
import { noConversion, type OnnxConversion } from '../../src/runtime/onnx/conversion';
import { InferencePool } from '../../src/models/InferencePool';
import { normaliseInto, scoresFrom } from '../../src/runtime/tensors';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { solidPng } from './support/images';
import { TINY_LABELS, writeTinyModel } from './support/tinyModel';
import { TINY_ONNX_LABELS, tinyOnnxModel, writeTinyOnnxFolder } from './support/tinyOnnx';

const CLASSIFY = `mutation($files: [Upload!]!, $model: ID) {
  classify(files: $files, model: $model, maxResults: 3) { filename error { code message } labels { name score } }
}`;
const MODELS = '{ models { id status runtime backend runtimeFallbackReason inputSize labels } }';

/** `count` images of `size`² pixels, image i filled with colour `colours[i]` (RGB bytes). */
function images(size: number, colours: number[][]): Uint8Array {
  const pixels = new Uint8Array(colours.length * size * size * 3);
  colours.forEach((rgb, i) => {
    for (let p = 0; p < size * size; p++) pixels.set(rgb, (i * size * size + p) * 3);
  });
  return pixels;
}
const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'onnx-runtime-'));
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('input tensors and scores', () => {
  test('NHWC copies scaled; NCHW transposes into planes; the mirror images follow the originals', () => {
    // One 2x2 image: pixel (x, y) = [10x + y, 100, 200].
    const pixels = new Uint8Array(12);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) pixels.set([10 * x + y, 100, 200], (y * 2 + x) * 3);
    const nhwc = new Float32Array(24);
    normaliseInto(nhwc, pixels, 1, 2, [0, 255], 'NHWC', true);
    expect([...nhwc.subarray(0, 12)]).toEqual([...pixels]);
    // The mirror image: (x, y) takes (1 - x, y).
    expect([...nhwc.subarray(12, 24)]).toEqual([10, 100, 200, 0, 100, 200, 11, 100, 200, 1, 100, 200]);
    const nchw = new Float32Array(12);
    normaliseInto(nchw, pixels, 1, 2, [-1, 1], 'NCHW');
    const scale = (v: number) => (v * 2) / 255 - 1;
    expect([...nchw.subarray(0, 4)].map((v) => Number(v.toFixed(5)))).toEqual([0, 10, 1, 11].map((v) => Number(scale(v).toFixed(5))));
    expect([...nchw.subarray(4, 8)].every((v) => Math.abs(v - scale(100)) < 1e-6)).toBe(true);
    expect([...nchw.subarray(8, 12)].every((v) => Math.abs(v - scale(200)) < 1e-6)).toBe(true);
  });

  test('label offset, softmax of logits and the mirror average', () => {
    const raw = new Float32Array([9, 0, Math.log(3), 0, 9, 0, 0, 0]); // 2 rows: background + 3 classes
    const scores = scoresFrom(raw, 2, { labelOffset: 1, classes: 3, outputs: 'logits' }, true);
    expect(scores).toHaveLength(3);
    // Row 1 softmax: [1/5, 3/5, 1/5]; row 2: [1/3, 1/3, 1/3]; averaged.
    expect([...scores].map((v) => Number(v.toFixed(4)))).toEqual([(1 / 5 + 1 / 3) / 2, (3 / 5 + 1 / 3) / 2, (1 / 5 + 1 / 3) / 2].map((v) => Number(v.toFixed(4))));
  });
});

describe('ONNX model folders in the inference workers', () => {
  // Through the pool's worker threads, as the gateway runs them (onnxruntime-node's tensors cannot cross jest's sandbox).
  let pool: InferencePool;
  beforeAll(async () => {
    pool = await InferencePool.start({ workers: 1, maxBatch: 2, maxWaitMs: 0, queueLimit: 16 });
  });
  afterAll(() => pool?.close());
  const predict = async (key: string, size: number, colours: number[][]) => {
    const admission = pool.admit(colours.length);
    try {
      return await pool.run(
        { key, label: key },
        colours.map((rgb) => images(size, [rgb])),
        admission,
      );
    } finally {
      admission.release();
    }
  };
  const best = (scores: Float32Array) => TINY_ONNX_LABELS[[...scores].indexOf(Math.max(...scores))];

  test.each(['NHWC', 'NCHW'] as const)('a %s model classifies a batch, reading its input size from the model', async (layout) => {
    const dir = await writeTinyOnnxFolder(path.join(root, `tiny-${layout}`), { layout, size: 8 });
    expect(await isModelFolder(dir)).toBe(true);
    expect(await pool.load(layout, dir)).toEqual({ inputSize: 8, labels: 3, runtime: 'ONNX', backend: 'onnxruntime-cpu' });
    // Three images with a tensor allocated for two: it grows.
    expect((await predict(layout, 8, [RED, BLUE, GREEN])).map(best)).toEqual(['red', 'blue', 'green']);
  });

  test('a symbolic input size comes from metadata.json; a background output, logits and mirroring are handled as for TF.js folders', async () => {
    const dir = await writeTinyOnnxFolder(
      path.join(root, 'tiny-logits'),
      { size: 'symbolic', background: true, softmax: false },
      {
        labels: TINY_ONNX_LABELS,
        inputSize: 4,
        labelOffset: 1,
        outputs: 'logits',
        inputRange: [0, 1],
        testTimeMirror: true,
      },
    );
    expect(await pool.load('logits', dir)).toMatchObject({ inputSize: 4, runtime: 'ONNX' });
    const [scores] = await predict('logits', 4, [GREEN]);
    expect(scores).toHaveLength(3);
    expect(best(scores)).toBe('green');
    expect(scores.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
  });

  test('labels that do not match the outputs fail the load with the reason', async () => {
    const dir = await writeTinyOnnxFolder(path.join(root, 'tiny-mislabelled'));
    await fs.writeFile(path.join(dir, 'labels.txt'), 'only\ntwo\n');
    await expect(pool.load('mislabelled', dir)).rejects.toThrow(/3 outputs but its labels number 2/);
  });
});

describe('a gateway serving an ONNX folder and a TF.js folder', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    const onnxDir = await writeTinyOnnxFolder(path.join(root, 'served', 'colours-onnx'), { layout: 'NCHW', size: 16 });
    await writeTinyModel(path.join(root, 'served', 'models', 'colours-tfjs'));
    gw = await startGateway({ MODEL_DIR: onnxDir, MODELS_DIR: path.join(root, 'served', 'models'), INFERENCE_WORKERS: '2' });
  });
  afterAll(() => gw?.close());

  test("models lists each with its runtime: the TF.js folder is converted (the project's converter) and served natively too", async () => {
    const { body } = await gw.graphql(MODELS);
    expect(body.errors).toBeUndefined();
    expect(body.data.models).toEqual([
      { id: 'colours-onnx', status: 'READY', runtime: 'ONNX', backend: 'onnxruntime-cpu', runtimeFallbackReason: null, inputSize: 16, labels: TINY_ONNX_LABELS },
      { id: 'colours-tfjs', status: 'READY', runtime: 'ONNX', backend: 'onnxruntime-cpu', runtimeFallbackReason: null, inputSize: 16, labels: TINY_LABELS },
    ]);
  });

  test('classify over HTTP multipart runs on ONNX Runtime, and the metrics say which runtime ran it', async () => {
    const files = [
      { filename: 'red.png', bytes: await solidPng('#ff0000'), type: 'image/png' },
      { filename: 'blue.png', bytes: await solidPng('#0000ff'), type: 'image/png' },
    ];
    const onnx = await postMultipart(gw.url, CLASSIFY, files);
    expect(onnx.body.errors).toBeUndefined();
    expect(onnx.body.data.classify.map((r: any) => r.labels[0].name)).toEqual(['red', 'blue']);
    const tfjs = await postMultipart(gw.url, CLASSIFY, files, { variables: { model: 'colours-tfjs' } });
    expect(tfjs.body.data.classify.map((r: any) => r.labels[0].name)).toEqual(['red', 'blue']);
    const metrics = await gw.metrics.registry.metrics();
    expect(metrics).toMatch(/gateway_inference_duration_seconds_count\{model="colours-onnx",runtime="ONNX"\} [1-9]/);
    expect(metrics).toMatch(/gateway_inference_duration_seconds_count\{model="colours-tfjs",runtime="ONNX"\} [1-9]/);
  });
});

describe('the converter hook', () => {
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ LOG_LEVEL: 'silent', DEFAULT_MODEL: 'none', MODELS_DIR: path.join(root, 'hook', 'models'), INFERENCE_WORKERS: '1', ...env });
  beforeAll(() => writeTinyModel(path.join(root, 'hook', 'models', 'tfjs')));

  test('a TF.js folder the conversion converts is served by ONNX Runtime, with the cache folder under MODELS_DIR', async () => {
    const calls: Array<{ dir: string; cacheDir: string }> = [];
    const conversion: OnnxConversion = async (dir, { cacheDir }) => (calls.push({ dir, cacheDir }), { kind: 'converted', onnx: tinyOnnxModel() });
    const registry = await ModelRegistry.create(config(), undefined, { onnxConversion: conversion });
    try {
      expect(registry.list()).toMatchObject([{ id: 'tfjs', status: 'READY', runtime: 'ONNX', backend: 'onnxruntime-cpu' }]);
      expect(registry.list()[0].runtimeFallbackReason).toBeUndefined();
      expect(calls).toEqual([{ dir: path.join(root, 'hook', 'models', 'tfjs'), cacheDir: path.join(root, 'hook', 'models', '.onnx-cache') }]);
      const [red] = await registry.classify([await solidPng('#ff0000')], { minConfidence: 0, maxResults: 1 });
      expect(red.labels?.[0].name).toBe('red');
    } finally {
      await registry.close();
    }
  });

  test('converted bytes ONNX Runtime cannot load fall back to TF.js, with the reason kept', async () => {
    const registry = await ModelRegistry.create(config(), undefined, { onnxConversion: async () => ({ kind: 'converted', onnx: new Uint8Array([1, 2, 3]) }) });
    try {
      const [model] = registry.list();
      expect(model).toMatchObject({ id: 'tfjs', status: 'READY', runtime: 'TFJS_WASM' });
      expect(model.runtimeFallbackReason).toMatch(/^ONNX Runtime could not load the converted model/);
    } finally {
      await registry.close();
    }
  });

  test('INFERENCE_RUNTIME=onnx refuses a model without an ONNX form; =tfjs keeps TF.js folders on TF.js', async () => {
    const strict = await ModelRegistry.create(config({ INFERENCE_RUNTIME: 'onnx' }), undefined, { onnxConversion: noConversion });
    try {
      expect(strict.list()).toMatchObject([{ id: 'tfjs', status: 'FAILED', error: expect.stringContaining('no ONNX form') }]);
    } finally {
      await strict.close();
    }
    const converting: OnnxConversion = async () => ({ kind: 'converted', onnx: tinyOnnxModel() });
    const tfjs = await ModelRegistry.create(config({ INFERENCE_RUNTIME: 'tfjs' }), undefined, { onnxConversion: converting });
    try {
      expect(tfjs.list()).toMatchObject([{ id: 'tfjs', runtime: 'TFJS_WASM', runtimeFallbackReason: 'INFERENCE_RUNTIME=tfjs' }]);
    } finally {
      await tfjs.close();
    }
  });
});
