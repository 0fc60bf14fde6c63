import { promises as fs } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../../src/models/tfBackend';

export const TINY_LABELS = ['red', 'green', 'blue'];
export const TINY_INPUT_SIZE = 16;

/**
 * Writes a small layers model in TF.js's own format (model.json + one weights shard + metadata.json):
 * the mean of each colour channel, scaled, through a softmax, so a red image scores "red" highest.
 * It takes any input size; metadata decides which (`inputSize`, default 16).
 */
export async function writeTinyModel(dir: string, metadata: Record<string, unknown> = {}): Promise<string> {
  const { tf } = await initBackend();
  const model = tf.sequential({
    layers: [
      tf.layers.globalAveragePooling2d({ inputShape: [null, null, 3] as unknown as number[] }),
      tf.layers.dense({ units: 3, activation: 'softmax', weights: [tf.eye(3).mul(10), tf.zeros([3])] }),
    ],
  });
  await fs.mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs }],
      };
      await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      await fs.writeFile(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  await writeMetadata(dir, { labels: TINY_LABELS, inputSize: TINY_INPUT_SIZE, inputRange: [0, 1], ...metadata });
  return dir;
}

/**
 * The same classifier as a TF.js graph model (the format tfjs-converter writes for TF Hub models), in
 * the TF-Slim shape: a leading "background" output and logits rather than probabilities, which its
 * metadata declares with `labelOffset: 1` and `outputs: "logits"`. Two weight shards test shard order.
 */
export async function writeTinyGraphModel(dir: string): Promise<string> {
  const size = TINY_INPUT_SIZE;
  const shape = (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
  const node = (name: string, op: string, input: string[], attr: Record<string, unknown>) => ({ name, op, input, attr });
  const float = { type: 'DT_FLOAT' };
  const topology = {
    node: [
      node('input', 'Placeholder', [], { dtype: float, shape: shape([-1, size, size, 3]) }),
      node('axes', 'Const', [], { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: shape([2]).shape } } }),
      node('weights', 'Const', [], { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape([3, 4]).shape } } }),
      node('mean', 'Mean', ['input', 'axes'], { T: float, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } }),
      node('logits', 'MatMul', ['mean', 'weights'], { T: float, transpose_a: { b: false }, transpose_b: { b: false } }),
    ],
    library: {},
    versions: {},
  };
  // Column 0 is the unlabelled background class; columns 1..3 pick red, green, blue.
  const weights = new Float32Array([0, 10, 0, 0, 0, 0, 10, 0, 0, 0, 0, 10]);
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'test',
    convertedBy: 'hand-written',
    modelTopology: topology,
    weightsManifest: [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'axes', shape: [2], dtype: 'int32' },
          { name: 'weights', shape: [3, 4], dtype: 'float32' },
        ],
      },
    ],
  };
  const data = Buffer.concat([Buffer.from(new Int32Array([1, 2]).buffer), Buffer.from(weights.buffer)]);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  await fs.writeFile(path.join(dir, 'group1-shard1of2.bin'), data.subarray(0, 20));
  await fs.writeFile(path.join(dir, 'group1-shard2of2.bin'), data.subarray(20));
  await fs.writeFile(path.join(dir, 'labels.txt'), TINY_LABELS.join('\n') + '\n');
  await writeMetadata(dir, { inputSize: size, inputRange: [0, 1], labelOffset: 1, outputs: 'logits' });
  return dir;
}

export async function writeMetadata(dir: string, metadata: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(metadata));
}
