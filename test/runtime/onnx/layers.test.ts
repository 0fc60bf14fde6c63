/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LayersModel, SymbolicTensor, layers as tfLayers } from '@tensorflow/tfjs';
import { initBackend, type Tf } from '../../../src/models/tfBackend';
import { agreement } from './support/layersFixtures';

/**
 * Each layer kind the converter handles, in tiny TF.js models: saved as a model folder, converted, run
 * by ONNX Runtime and by TF.js on the same random batch; outputs must match within 1e-4.
 */
let tf: Tf;
let root: string;
let seed = 1;

beforeAll(async () => {
  ({ tf } = await initBackend());
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-layers-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const init = (range = 0.5) => tf.initializers.randomUniform({ minval: -range, maxval: range, seed: seed++ });
/** A functional model applying `layers` one after the other to an input of `shape`. */
const chain = (shape: number[], ...layers: tfLayers.Layer[]): LayersModel => {
  const input = tf.input({ shape, name: 'image' });
  const output = layers.reduce<SymbolicTensor>((x, layer) => layer.apply(x) as SymbolicTensor, input);
  return tf.model({ inputs: input, outputs: output });
};
const conv = (config: Partial<Parameters<Tf['layers']['conv2d']>[0]> = {}) =>
  tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init(), biasInitializer: init(), ...config });
const dense = (units: number, activation: 'linear' | 'relu' | 'softmax' | 'sigmoid' = 'linear') =>
  tf.layers.dense({ units, activation, kernelInitializer: init(), biasInitializer: init() });
const batchNorm = () =>
  tf.layers.batchNormalization({
    gammaInitializer: init(1),
    betaInitializer: init(1),
    movingMeanInitializer: init(1),
    movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.2, maxval: 2, seed: seed++ }),
  });

async function expectAgreement(name: string, model: LayersModel, dims: number[]): Promise<void> {
  const { result, maxDiff, expectedDims, actualDims } = await agreement(tf, model, path.join(root, name.replace(/\W+/g, '_')), dims, seed);
  expect(result.kind === 'converted' ? result.kind : result.reason).toBe('converted');
  expect([...actualDims]).toEqual(expectedDims);
  expect(maxDiff).toBeLessThan(1e-4);
  model.dispose();
}

const CASES: [string, number[], () => LayersModel][] = [
  ['Conv2D same, stride 2, odd input', [2, 9, 9, 3], () => chain([9, 9, 3], conv({ strides: 2, activation: 'relu' }))],
  ['Conv2D same, stride 2, even input', [2, 8, 8, 3], () => chain([8, 8, 3], conv({ strides: 2 }))],
  ['Conv2D same, even kernel, stride 2, no bias', [1, 7, 7, 3], () => chain([7, 7, 3], conv({ kernelSize: 2, strides: 2, useBias: false }))],
  ['Conv2D valid, stride 2, non-square', [2, 9, 7, 3], () => chain([9, 7, 3], conv({ padding: 'valid', strides: 2 }))],
  ['Conv2D dilation 2', [1, 9, 9, 3], () => chain([9, 9, 3], conv({ dilationRate: 2 }))],
  [
    'DepthwiseConv2D multiplier 2, stride 2, relu6',
    [2, 9, 9, 3],
    () =>
      chain(
        [9, 9, 3],
        tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'relu6', depthwiseInitializer: init(4), biasInitializer: init() }),
      ),
  ],
  [
    'DepthwiseConv2D valid, no bias',
    [1, 6, 6, 4],
    () => chain([6, 6, 4], tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'valid', useBias: false, depthwiseInitializer: init() })),
  ],
  // depthMultiplier 1: TF.js 4.22 leaves depth_multiplier out of a saved SeparableConv2D's config (and then cannot load its own weights).
  [
    'SeparableConv2D stride 2, sigmoid',
    [2, 8, 8, 3],
    () =>
      chain(
        [8, 8, 3],
        tf.layers.separableConv2d({
          filters: 5,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'sigmoid',
          depthwiseInitializer: init(),
          pointwiseInitializer: init(),
          biasInitializer: init(),
        }),
      ),
  ],
  [
    'BatchNormalization folded into a conv, after an activation, and on 2-D',
    [2, 6, 6, 3],
    () => chain([6, 6, 3], conv({ useBias: false }), batchNorm(), tf.layers.reLU(), batchNorm(), tf.layers.globalAveragePooling2d({}), dense(3), batchNorm()),
  ],
  [
    'BatchNormalization folded into depthwise and separable convs',
    [1, 6, 6, 3],
    () =>
      chain(
        [6, 6, 3],
        tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: init() }),
        batchNorm(),
        tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same', depthwiseInitializer: init(), pointwiseInitializer: init() }),
        batchNorm(),
      ),
  ],
  ...(['relu', 'relu6', 'sigmoid', 'softmax', 'linear', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'hardSigmoid', 'mish', 'gelu'] as const).map(
    (activation): [string, number[], () => LayersModel] => [
      `activation ${activation} (on a 4-D map)`,
      [2, 4, 5, 3],
      () => chain([4, 5, 3], conv({ kernelSize: 1, kernelInitializer: init(4) }), tf.layers.activation({ activation })),
    ],
  ),
  [
    'ReLU(max 6), LeakyReLU, ELU, ThresholdedReLU, Softmax layers',
    [2, 5, 5, 3],
    () =>
      chain(
        [5, 5, 3],
        conv({ kernelInitializer: init(3) }),
        tf.layers.reLU({ maxValue: 6 }),
        conv({ kernelInitializer: init(2) }),
        tf.layers.leakyReLU({ alpha: 0.2 }),
        tf.layers.elu({}),
        tf.layers.thresholdedReLU({ theta: 0.1 }),
        tf.layers.flatten(),
        tf.layers.softmax({}),
      ),
  ],
  [
    'AveragePooling2D same, stride 2, odd input (padding left out of the mean)',
    [2, 7, 7, 3],
    () => chain([7, 7, 3], tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })),
  ],
  [
    'MaxPooling2D same and AveragePooling2D valid',
    [2, 7, 7, 3],
    () => chain([7, 7, 3], tf.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }), tf.layers.averagePooling2d({ poolSize: 2, padding: 'valid' })),
  ],
  [
    'GlobalAveragePooling2D and GlobalMaxPooling2D concatenated',
    [2, 5, 5, 3],
    () => {
      const input = tf.input({ shape: [5, 5, 3] });
      const maps = conv().apply(input) as SymbolicTensor;
      const pooled = tf.layers.concatenate().apply([tf.layers.globalAveragePooling2d({}).apply(maps), tf.layers.globalMaxPooling2d({}).apply(maps)] as SymbolicTensor[]);
      return tf.model({ inputs: input, outputs: dense(3, 'softmax').apply(pooled) as SymbolicTensor });
    },
  ],
  [
    'Add, Multiply, Average, Maximum, Minimum and Concatenate on channels',
    [2, 6, 6, 3],
    () => {
      const input = tf.input({ shape: [6, 6, 3] });
      const [a, b] = [conv().apply(input), conv().apply(input)] as SymbolicTensor[];
      const merged = [tf.layers.add(), tf.layers.multiply(), tf.layers.average(), tf.layers.maximum(), tf.layers.minimum()].map((layer) => layer.apply([a, b]) as SymbolicTensor);
      const joined = tf.layers.concatenate({ axis: -1 }).apply([...merged, input]) as SymbolicTensor;
      return tf.model({ inputs: input, outputs: conv({ kernelSize: 1, filters: 3 }).apply(joined) as SymbolicTensor });
    },
  ],
  ['Flatten after a 4-D map keeps NHWC order', [2, 4, 5, 3], () => chain([4, 5, 3], conv({ filters: 2 }), tf.layers.flatten())],
  ['Flatten then Dense softmax', [2, 4, 5, 3], () => chain([4, 5, 3], conv({ filters: 2, strides: 2 }), tf.layers.flatten(), dense(4, 'softmax'))],
  [
    'Reshape of a map, Permute, Cropping2D',
    [2, 6, 6, 3],
    () =>
      chain(
        [6, 6, 3],
        tf.layers.cropping2D({
          cropping: [
            [1, 0],
            [0, 2],
          ],
        }),
        conv({ filters: 2 }),
        tf.layers.permute({ dims: [2, 1, 3] }),
        tf.layers.reshape({ targetShape: [10, 4] }),
        tf.layers.flatten(),
      ),
  ],
  [
    'MobileNet V1 top: pool, Reshape to 1x1, Dropout, 1x1 conv, softmax, Reshape',
    [2, 7, 7, 8],
    () =>
      chain(
        [7, 7, 8],
        tf.layers.globalAveragePooling2d({}),
        tf.layers.reshape({ targetShape: [1, 1, 8] }),
        tf.layers.dropout({ rate: 0.5 }),
        conv({ kernelSize: 1, filters: 6 }),
        tf.layers.activation({ activation: 'softmax' }),
        tf.layers.reshape({ targetShape: [6] }),
      ),
  ],
  [
    'ZeroPadding2D (asymmetric) then a valid conv',
    [2, 5, 5, 3],
    () =>
      chain(
        [5, 5, 3],
        tf.layers.zeroPadding2d({
          padding: [
            [1, 2],
            [0, 1],
          ],
        }),
        conv({ padding: 'valid', strides: 2 }),
      ),
  ],
  [
    'Dense on 2-D, Rescaling',
    [3, 6],
    () => chain([6], tf.layers.rescaling({ scale: 1 / 127.5, offset: -1 }), dense(5, 'relu'), tf.layers.dropout({ rate: 0.3 }), dense(3, 'sigmoid')),
  ],
  [
    'a Sequential model',
    [2, 6, 6, 3],
    () => tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 3, kernelSize: 3, kernelInitializer: init() }), tf.layers.flatten(), dense(2)] }),
  ],
  [
    'a shared layer called twice',
    [2, 6, 6, 3],
    () => {
      const input = tf.input({ shape: [6, 6, 3] });
      const shared = conv({ filters: 3 });
      const once = shared.apply(input) as SymbolicTensor;
      return tf.model({ inputs: input, outputs: tf.layers.add().apply([once, shared.apply(once) as SymbolicTensor]) as SymbolicTensor });
    },
  ],
  [
    'nested functional backbone and Sequential head (Teachable Machine shape)',
    [2, 8, 8, 3],
    () => {
      const inner = tf.input({ shape: [8, 8, 3] });
      const features = tf.layers.globalAveragePooling2d({}).apply(batchNorm().apply(conv({ strides: 2, useBias: false }).apply(inner))) as SymbolicTensor;
      const backbone = tf.model({ inputs: inner, outputs: features, name: 'backbone' });
      const head = tf.sequential({
        name: 'head',
        layers: [tf.layers.dense({ inputShape: [4], units: 5, activation: 'relu', kernelInitializer: init() }), tf.layers.dropout({ rate: 0.2 }), dense(3, 'softmax')],
      });
      const input = tf.input({ shape: [8, 8, 3] });
      return tf.model({ inputs: input, outputs: head.apply(backbone.apply(input)) as SymbolicTensor });
    },
  ],
  [
    'Teachable Machine export: Sequential of [Sequential [backbone model, pooling], Sequential head]',
    [2, 8, 8, 3],
    () => {
      const inner = tf.input({ shape: [8, 8, 3] });
      const maps = tf.layers.reLU({ maxValue: 6 }).apply(batchNorm().apply(conv({ strides: 2, useBias: false }).apply(inner))) as SymbolicTensor;
      const backbone = tf.model({ inputs: inner, outputs: maps, name: 'mobilenet_truncated' });
      const features = tf.sequential({ layers: [backbone, tf.layers.globalAveragePooling2d({})] });
      const head = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 6, activation: 'relu', kernelInitializer: init() }),
          tf.layers.dense({ units: 2, activation: 'softmax', useBias: false, kernelInitializer: init() }),
        ],
      });
      return tf.sequential({ layers: [features, head] });
    },
  ],
  ['Dense on a 4-D map (last axis), then Flatten', [2, 3, 4, 3], () => chain([3, 4, 3], conv({ filters: 2 }), dense(3), tf.layers.flatten())],
];

describe('convertLayersModel agrees with TF.js', () => {
  test.each(CASES)('%s', async (name, dims, build) => {
    await expectAgreement(name, build(), dims);
  });
});
