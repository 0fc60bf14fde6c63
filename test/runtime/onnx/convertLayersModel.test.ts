/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SymbolicTensor } from '@tensorflow/tfjs';
import { initBackend, type Tf } from '../../../src/models/tfBackend';
import { convertLayersModel, convertModelFolder } from '../../../src/runtime/onnx/convertLayersModel';
import { decodeWeights } from '../../../src/runtime/onnx/weightData';
import { runOnnx, saveModel } from './support/layersFixtures';

/** What the converter refuses (with the reason), and the forms of model.json it reads without TF.js. */
let tf: Tf;
let root: string;

beforeAll(async () => {
  ({ tf } = await initBackend());
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'onnx-convert-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A Keras 2 functional topology: input [null, ...shape] then `layers` in a chain. */
function topology(shape: number[], layers: { class_name: string; name: string; config: object }[]) {
  const input = { class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, ...shape], name: 'in' }, inbound_nodes: [] };
  const chained = layers.map((layer, i) => ({ ...layer, inbound_nodes: [[[i === 0 ? 'in' : layers[i - 1].name, 0, 0, {}]]] }));
  return { class_name: 'Model', config: { name: 'm', layers: [input, ...chained], input_layers: [['in', 0, 0]], output_layers: [[layers.at(-1)!.name, 0, 0]] } };
}

describe('unsupported models come back with the reason, never a throw', () => {
  test('a layer class without a conversion names the layer and its class', async () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input) as SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(up) as SymbolicTensor });
    const dir = await saveModel(tf, model, path.join(root, 'upsampling'));
    expect(await convertModelFolder(dir)).toEqual({ kind: 'unsupported', reason: 'layer "up" (UpSampling2D): no ONNX conversion for this layer class' });
  });

  test('an activation without a conversion', () => {
    const model = topology([4], [{ class_name: 'Activation', name: 'act', config: { activation: 'gelu_new', name: 'act' } }]);
    expect(convertLayersModel({ modelTopology: model }, new Map())).toEqual({ kind: 'unsupported', reason: 'layer "act" (Activation): activation "gelu_new"' });
  });

  test('a graph model that is not a single-input, single-output network (op-set conversions: graphModel.test.ts)', () => {
    const result = convertLayersModel({ format: 'graph-model', modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] } }, new Map());
    expect(result).toEqual({ kind: 'unsupported', reason: 'graph model: the graph model has 0 outputs (); one is expected' });
  });

  test('a model with two inputs, a missing weight, a bad topology', () => {
    const twoInputs = {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: ['a', 'b']
          .map((name) => ({ class_name: 'InputLayer', name, config: { batch_input_shape: [null, 2], name }, inbound_nodes: [] }))
          .concat([
            {
              class_name: 'Add',
              name: 'sum',
              config: { name: 'sum' } as never,
              inbound_nodes: [
                [
                  ['a', 0, 0, {}],
                  ['b', 0, 0, {}],
                ],
              ] as never,
            },
          ]),
        input_layers: [
          ['a', 0, 0],
          ['b', 0, 0],
        ],
        output_layers: [['sum', 0, 0]],
      },
    };
    expect(convertLayersModel({ modelTopology: twoInputs }, new Map())).toEqual({ kind: 'unsupported', reason: 'the model has 2 inputs; the gateway feeds one image tensor' });
    const dense = topology([3], [{ class_name: 'Dense', name: 'fc', config: { units: 2, name: 'fc' } }]);
    expect(convertLayersModel({ modelTopology: dense }, new Map())).toEqual({ kind: 'unsupported', reason: 'layer "fc" (Dense): no weight "fc/kernel" in the weights manifest' });
    expect(convertLayersModel({ modelTopology: 'nonsense' }, new Map())).toMatchObject({ kind: 'unsupported' });
    expect(convertLayersModel({ modelTopology: dense }, { weightSpecs: [{ name: 'fc/kernel', shape: [3, 2], dtype: 'float32' }], weightData: new ArrayBuffer(8) })).toEqual({
      kind: 'unsupported',
      reason: expect.stringMatching(/^conversion failed: the weight shards end before weight "fc\/kernel"/),
    });
  });
});

describe('model.json forms and weight encodings', () => {
  test('hard-swish (Keras "hard_swish") from a topology and a weight map', async () => {
    const model = topology([6], [{ class_name: 'Activation', name: 'hs', config: { activation: 'hard_swish', name: 'hs' } }]);
    const result = convertLayersModel({ modelTopology: model }, new Map());
    if (result.kind !== 'converted') throw new Error(result.reason);
    expect(result).toMatchObject({ inputName: 'in', outputName: 'hs', inputShape: [null, 6], outputShape: [null, 6], opset: 17 });
    const x = Float32Array.from([-4, -3, -1, 0, 1.5, 4]);
    const { data } = await runOnnx(result.onnx, result.inputName, result.outputName, x, [1, 6]);
    const expected = [...x].map((v) => (v * Math.min(6, Math.max(0, v + 3))) / 6);
    [...data].forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  test('Keras 3 inbound nodes (__keras_tensor__ args) and a Dense from a weight map', async () => {
    const history = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [name, 0, 0] } });
    const model = {
      class_name: 'Functional',
      config: {
        name: 'k3',
        layers: [
          { class_name: 'InputLayer', name: 'x', config: { batch_shape: [null, 3], name: 'x' }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'fc', config: { units: 2, activation: 'softmax', name: 'fc' }, inbound_nodes: [{ args: [history('x')], kwargs: {} }] },
        ],
        input_layers: ['x', 0, 0],
        output_layers: ['fc', 0, 0],
      },
    };
    const kernel = Float32Array.from([1, -1, 0.5, 2, -0.25, 0]);
    const bias = Float32Array.from([0.1, -0.2]);
    const result = convertLayersModel(
      { modelTopology: model },
      new Map([
        ['fc/kernel', kernel],
        ['fc/bias', bias],
      ]),
    );
    if (result.kind !== 'converted') throw new Error(result.reason);
    const { data } = await runOnnx(result.onnx, 'x', 'fc', Float32Array.from([1, 2, 3]), [1, 3]);
    const logits = [0, 1].map((j) => 1 * kernel[j] + 2 * kernel[2 + j] + 3 * kernel[4 + j] + bias[j]);
    const exp = logits.map(Math.exp);
    expect(data[0]).toBeCloseTo(exp[0] / (exp[0] + exp[1]), 6);
  });

  test('quantised weights (uint8 with scale and min, uint16, float16) decode as TF.js decodes them', () => {
    // Packed one after the other, without alignment, as in a TF.js shard.
    const data = new ArrayBuffer(11);
    const view = new DataView(data);
    [0, 128, 255].forEach((v, i) => view.setUint8(i, v));
    view.setUint16(3, 1000, true);
    view.setUint16(5, 0x3c00, true); // 1.0
    view.setUint16(7, 0xc000, true); // -2.0
    view.setUint16(9, 0x3555, true); // 0.333251953125
    const weights = decodeWeights(
      [
        { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'b', shape: [1], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.01, min: 0 } },
        { name: 'c', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
      ],
      data,
    );
    expect([...weights.get('a')!]).toEqual([-1, 63, 126.5]);
    expect(weights.get('b')![0]).toBeCloseTo(10, 5);
    expect([...weights.get('c')!]).toEqual([1, -2, 0.333251953125]);
  });

  test("a weight saved under its nested model's name is found", async () => {
    const model = topology([2], [{ class_name: 'Dense', name: 'fc', config: { units: 1, use_bias: false, name: 'fc' } }]);
    const result = convertLayersModel({ modelTopology: model }, new Map([['outer_model/fc/kernel', Float32Array.from([2, 3])]]));
    if (result.kind !== 'converted') throw new Error(result.reason);
    expect((await runOnnx(result.onnx, 'in', 'fc', Float32Array.from([1, 1]), [1, 2])).data[0]).toBeCloseTo(5, 6);
  });
});
