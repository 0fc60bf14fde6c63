/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { initBackend, type Tf } from '../../../src/models/tfBackend';
import { convertModelFolderCached } from '../../../src/runtime/onnx/onnxCache';
import { saveModel } from './support/layersFixtures';

/** Convert once, keyed by content: reuse, invalidation by weights, and recovery from a damaged file. */
let tf: Tf;
let root: string;
let modelDir: string;
let cacheDir: string;

beforeAll(async () => {
  ({ tf } = await initBackend());
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-cache-'));
  cacheDir = path.join(root, 'models', '.onnx-cache');
  const input = tf.input({ shape: [6, 6, 3], name: 'image' });
  const maps = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv' }).apply(input) as SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(maps) as SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(pooled) as SymbolicTensor });
  modelDir = await saveModel(tf, model, path.join(root, 'models', 'tiny'));
  model.dispose();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cacheFiles = () => fs.readdirSync(cacheDir).sort();

test('converts once, then reads the cached file; ONNX Runtime loads it by path', async () => {
  const first = await convertModelFolderCached(modelDir, cacheDir);
  if (first.kind !== 'converted') throw new Error(first.reason);
  expect(first).toMatchObject({ fromCache: false, inputName: 'image', outputName: 'probs', file: path.join(cacheDir, `${first.hash}.onnx`) });
  expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
  const written = fs.statSync(first.file).mtimeMs;

  const second = await convertModelFolderCached(modelDir, cacheDir);
  expect(second).toEqual({ ...first, fromCache: true });
  expect(fs.statSync(first.file).mtimeMs).toBe(written);
  expect(cacheFiles()).toEqual([`${first.hash}.onnx`]);

  const session = await ort.InferenceSession.create(first.file);
  expect(session.inputNames).toEqual(['image']);
  expect(session.outputNames).toEqual(['probs']);
  await session.release();
});

test('metadata.json does not change the key; changed weights give a new hash and file', async () => {
  const before = await convertModelFolderCached(modelDir, cacheDir);
  fs.writeFileSync(path.join(modelDir, 'metadata.json'), JSON.stringify({ labels: ['a', 'b', 'c'] }));
  expect(await convertModelFolderCached(modelDir, cacheDir)).toMatchObject({ hash: before.hash, fromCache: true });

  const weightsFile = path.join(modelDir, 'weights.bin');
  const original = fs.readFileSync(weightsFile);
  const changed = Buffer.from(original);
  changed.writeFloatLE(changed.readFloatLE(0) + 0.5, 0);
  fs.writeFileSync(weightsFile, changed);
  try {
    const after = await convertModelFolderCached(modelDir, cacheDir);
    expect(after).toMatchObject({ kind: 'converted', fromCache: false });
    expect(after.hash).not.toBe(before.hash);
    expect(cacheFiles()).toEqual([`${before.hash}.onnx`, `${after.hash}.onnx`].sort());
  } finally {
    fs.writeFileSync(weightsFile, original);
  }
});

test('a truncated or foreign cache file is ignored and written again', async () => {
  const good = await convertModelFolderCached(modelDir, cacheDir);
  if (good.kind !== 'converted') throw new Error(good.reason);
  const bytes = fs.readFileSync(good.file);
  for (const damaged of [bytes.subarray(0, Math.floor(bytes.length / 2)), bytes.subarray(0, bytes.length - 3), Buffer.from('not a model')]) {
    fs.writeFileSync(good.file, damaged);
    expect(await convertModelFolderCached(modelDir, cacheDir)).toMatchObject({ kind: 'converted', fromCache: false, hash: good.hash });
    expect(fs.readFileSync(good.file).equals(bytes)).toBe(true);
  }
  expect(cacheFiles().filter((name) => name.includes('partial'))).toEqual([]);
});

test('an unsupported model is reported, and nothing is cached for it', async () => {
  const input = tf.input({ shape: [4, 4, 3] });
  const model = tf.model({ inputs: input, outputs: tf.layers.upSampling2d({ name: 'up' }).apply(input) as SymbolicTensor });
  const dir = await saveModel(tf, model, path.join(root, 'models', 'upsampling'));
  const emptyCache = path.join(root, 'other-cache');
  expect(await convertModelFolderCached(dir, emptyCache)).toEqual({
    kind: 'unsupported',
    reason: 'layer "up" (UpSampling2D): no ONNX conversion for this layer class',
    hash: expect.any(String),
  });
  expect(fs.existsSync(emptyCache)).toBe(false);
});
