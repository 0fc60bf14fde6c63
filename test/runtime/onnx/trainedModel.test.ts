/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBackbone } from '../../../src/backbone/loadBackbone';
import { initBackend, type Tf } from '../../../src/models/tfBackend';
import { buildHeadLayers } from '../../../src/training/head';
import { writeTinyBackbone } from '../../support/tinyBackbone';
import { agreement } from './support/layersFixtures';

/**
 * The shape of the models `npm run train` writes: a backbone cut at several feature layers, their maps
 * average- and max-pooled and concatenated, then the dense head (hidden ReLU layer, softmax or sigmoid).
 */
let tf: Tf;
let root: string;

beforeAll(async () => {
  ({ tf } = await initBackend());
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-trained-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test.each([
  ['softmax head with a hidden layer on pooled features of two layers', 'b16_dw,conv_34:avg+max', 8, false],
  ['multi-label sigmoid head on the final pooled vector', 'global_average_pooling', 0, true],
] as const)('%s converts and agrees with TF.js', async (_name, features, hiddenUnits, multiLabel) => {
  const backboneDir = await writeTinyBackbone(tf, path.join(root, `backbone-${hiddenUnits}`));
  const backbone = await loadBackbone(tf, { kind: 'folder', dir: backboneDir, featureLayer: features });
  const head = buildHeadLayers(tf, backbone.info.featureSize, 3, { epochs: 1, batchSize: 8, learningRate: 0.01, hiddenUnits, l2: 0, seed: 5, multiLabel });
  const classifier = backbone.classifierWith(head);
  const { result, maxDiff } = await agreement(tf, classifier, path.join(root, `classifier-${hiddenUnits}`), [2, 32, 32, 3], 3);
  expect(result.kind === 'converted' ? result.kind : result.reason).toBe('converted');
  expect(maxDiff).toBeLessThan(1e-4);
  backbone.full.dispose();
});
