import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { readModelSpec } from '../../src/models/modelFolder';
import { initBackend } from '../../src/models/tfBackend';
import { solid } from './support/images';
import { TINY_LABELS } from './support/tinyModel';

/**
 * Export folders load as they are. The tiny models here are built with TF.js and written in each tool's
 * layout (file names, metadata, model format) as its own library reads it:
 * - Teachable Machine image (@teachablemachine/image): layers model.json + weights.bin + metadata.json
 *   ({tfjsVersion, tmVersion, packageName, labels, imageSize, ...}); the library crops the central square
 *   and scales pixels with x / 127 - 1.
 * - AutoML Vision Edge TF.js (@tensorflow/tfjs-automl): graph model.json + group1-shard*.bin + dict.txt
 *   (labels, one per line), no metadata; the library crops the central square and scales x / 127.5 - 1.
 */

const IMAGE_SIZE = 16;

/** Channel means through a softmax (red, green or blue wins), as a layers model saved like Teachable Machine saves it. */
async function writeTeachableMachineExport(dir: string): Promise<void> {
  const { tf } = await initBackend();
  const model = tf.sequential({
    layers: [
      tf.layers.globalAveragePooling2d({ inputShape: [IMAGE_SIZE, IMAGE_SIZE, 3] }),
      tf.layers.dense({ units: 3, activation: 'softmax', weights: [tf.eye(3).mul(10), tf.zeros([3])] }),
    ],
  });
  await fs.mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = { modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }] };
      await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      await fs.writeFile(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const metadata = {
    tfjsVersion: '1.3.1',
    tmVersion: '2.4.10',
    packageVersion: '0.8.4',
    packageName: '@teachablemachine/image',
    timeStamp: '2024-01-01T00:00:00.000Z',
    userMetadata: {},
    modelName: 'tm-my-image-model',
    labels: TINY_LABELS,
    imageSize: IMAGE_SIZE,
  };
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
}

/** The same classifier as a graph model (Mean, MatMul, Softmax) in the AutoML Edge layout: model.json, a shard, dict.txt. */
async function writeAutoMlEdgeExport(dir: string): Promise<void> {
  const shape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });
  const float = { type: 'DT_FLOAT' };
  const node = (name: string, op: string, input: string[], attr: Record<string, unknown>) => ({ name, op, input, attr });
  const modelJson = {
    format: 'graph-model',
    generatedBy: '1.15.0',
    convertedBy: 'TensorFlow.js Converter v1.4.0',
    modelTopology: {
      node: [
        node('image', 'Placeholder', [], { dtype: float, shape: { shape: shape([-1, 224, 224, 3]) } }),
        node('axes', 'Const', [], { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: shape([2]) } } }),
        node('weights', 'Const', [], { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape([3, 3]) } } }),
        node('mean', 'Mean', ['image', 'axes'], { T: float, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } }),
        node('logits', 'MatMul', ['mean', 'weights'], { T: float, transpose_a: { b: false }, transpose_b: { b: false } }),
        node('scores', 'Softmax', ['logits'], { T: float }),
      ],
      library: {},
      versions: {},
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'axes', shape: [2], dtype: 'int32' },
          { name: 'weights', shape: [3, 3], dtype: 'float32' },
        ],
      },
    ],
  };
  const weights = Buffer.concat([Buffer.from(new Int32Array([1, 2]).buffer), Buffer.from(new Float32Array([10, 0, 0, 0, 10, 0, 0, 0, 10]).buffer)]);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), weights);
  await fs.writeFile(path.join(dir, 'dict.txt'), TINY_LABELS.join('\n'));
}

/** 3:1, green on the left and right thirds, red in the central square: red only if the central square is what the model sees. */
async function redCentreGreenSides(): Promise<Buffer> {
  const red = await solid('#ff0000', 40, 40).png().toBuffer();
  return solid('#00ff00', 120, 40)
    .composite([{ input: red, left: 40, top: 0 }])
    .png()
    .toBuffer();
}

describe('export folders served as they are', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'export-folders-'));
    await writeTeachableMachineExport(path.join(root, 'models', 'teachable'));
    await writeAutoMlEdgeExport(path.join(root, 'models', 'automl'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  test('each export gets its library’s preprocessing as defaults', async () => {
    expect(await readModelSpec(path.join(root, 'models', 'teachable'))).toMatchObject({
      labels: TINY_LABELS,
      inputSize: IMAGE_SIZE,
      inputRange: [-1, 255 / 127 - 1],
      crop: { kind: 'square' },
      outputs: 'probabilities',
    });
    expect(await readModelSpec(path.join(root, 'models', 'automl'))).toMatchObject({
      labels: TINY_LABELS,
      inputSize: undefined,
      inputRange: [-1, 1],
      crop: { kind: 'square' },
      outputs: 'probabilities',
    });
  });

  test('both load from MODELS_DIR and from MODEL_DIR, and classify the central square', async () => {
    const image = await redCentreGreenSides();
    const options = { minConfidence: 0, maxResults: 3 };
    const fromModelsDir = await ModelRegistry.create(loadConfig({ DEFAULT_MODEL: 'none', MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' }));
    try {
      expect(fromModelsDir.list().map(({ id, status, inputSize }) => ({ id, status, inputSize }))).toEqual([
        { id: 'automl', status: 'READY', inputSize: 224 },
        { id: 'teachable', status: 'READY', inputSize: IMAGE_SIZE },
      ]);
      for (const modelId of ['automl', 'teachable']) {
        const [outcome] = await fromModelsDir.classify([image], { modelId, ...options });
        expect(outcome.labels![0].name).toBe('red');
      }
    } finally {
      await fromModelsDir.close();
    }
    for (const name of ['automl', 'teachable']) {
      const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: path.join(root, 'models', name), MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1' }));
      try {
        expect(registry.defaultModelId).toBe(name);
        expect((await registry.classify([image], options))[0].labels![0].name).toBe('red');
      } finally {
        await registry.close();
      }
    }
  });
});
