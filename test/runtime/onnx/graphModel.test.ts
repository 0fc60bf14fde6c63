/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import type { Tensor, io } from '@tensorflow/tfjs';
import { initBackend, type Tf } from '../../../src/models/tfBackend';
import { convertLayersModel } from '../../../src/runtime/onnx/convertLayersModel';
import { randomValues, runOnnx } from './support/layersFixtures';

/**
 * Graph models (the AutoML Vision Edge / tensorflowjs_converter op set), written node by node as
 * tensorflowjs_converter writes them, run by TF.js' graph executor and by ONNX Runtime after conversion.
 */
let tf: Tf;
beforeAll(async () => {
  ({ tf } = await initBackend());
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const list = (values: number[]) => ({ list: { i: values.map(String) } });
const float = { type: 'DT_FLOAT' };

/** Builds model.json's topology and weights the way tensorflowjs_converter lays them out. */
class GraphModelWriter {
  readonly nodes: object[] = [];
  private readonly specs: io.WeightsManifestEntry[] = [];
  private readonly data: Buffer[] = [];
  private seed = 11;

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: shape.map((d) => ({ size: String(d) })) } } } });
    return name;
  }

  constant(name: string, shape: number[], values?: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = values ?? [...randomValues(size, this.seed++, -0.5, 0.5)];
    const tfType = dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
    this.nodes.push({ name, op: 'Const', attr: { dtype: { type: tfType }, value: { tensor: { dtype: tfType, tensorShape: { dim: shape.map((d) => ({ size: String(d) })) } } } } });
    this.specs.push({ name, shape, dtype });
    this.data.push(Buffer.from((dtype === 'int32' ? Int32Array.from(data) : Float32Array.from(data)).buffer));
    return name;
  }

  op(name: string, op: string, input: string[], attr: Record<string, unknown> = {}): string {
    this.nodes.push({ name, op, input, attr: { T: float, ...attr } });
    return name;
  }

  artifacts(): io.ModelArtifacts {
    const weights = Buffer.concat(this.data);
    return {
      format: 'graph-model',
      modelTopology: { node: this.nodes, library: {}, versions: {} },
      weightSpecs: this.specs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    };
  }
}

const conv = (padding: 'SAME' | 'VALID', strides: number, fused: string[] = []) => ({
  strides: list([1, strides, strides, 1]),
  padding: { s: b64(padding) },
  data_format: { s: b64('NHWC') },
  dilations: list([1, 1, 1, 1]),
  ...(fused.length ? { fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: String(fused.includes('BiasAdd') ? 1 : 0) }, epsilon: { f: 0 } } : {}),
});

async function expectAgreement(writer: GraphModelWriter, dims: number[]): Promise<void> {
  const artifacts = writer.artifacts();
  const result = convertLayersModel(artifacts, artifacts);
  expect(result.kind === 'converted' ? result.format : result.reason).toBe('graph-model');
  if (result.kind !== 'converted') return;
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const input = randomValues(
    dims.reduce((a, b) => a * b, 1),
    5,
    0,
    255,
  );
  const expected = tf.tidy(() => (model.predict(tf.tensor(input, dims)) as Tensor).dataSync() as Float32Array);
  const actual = await runOnnx(result.onnx, result.inputName, result.outputName, input, dims);
  expect(actual.data.length).toBe(expected.length);
  let maxDiff = 0;
  expected.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - actual.data[i]))));
  expect(maxDiff).toBeLessThan(1e-4);
  model.dispose();
}

test('an AutoML-Edge-like MobileNet graph: preprocessing, fused convs, residual, pooling, fused MatMul, Softmax', async () => {
  const g = new GraphModelWriter();
  const image = g.placeholder('image', [-1, 9, 9, 3]);
  const scaled = g.op('scaled', 'Mul', [image, g.constant('scale', [], [1 / 127.5])]);
  const centred = g.op('centred', 'Sub', [scaled, g.constant('channel_mean', [3], [1, 0.9, 1.1])]);
  const stem = g.op('stem', '_FusedConv2D', [centred, g.constant('stem_w', [3, 3, 3, 8]), g.constant('stem_b', [8])], conv('SAME', 2, ['BiasAdd', 'Relu6']));
  const dw = g.op('dw', 'FusedDepthwiseConv2dNative', [stem, g.constant('dw_w', [3, 3, 8, 1]), g.constant('dw_b', [8])], conv('SAME', 1, ['BiasAdd', 'Relu6']));
  const project = g.op('project', 'Conv2D', [dw, g.constant('project_w', [1, 1, 8, 8])], conv('VALID', 1));
  const biased = g.op('biased', 'BiasAdd', [project, g.constant('project_b', [8])], { data_format: { s: b64('NHWC') } });
  const residual = g.op('residual', 'AddV2', [biased, stem]);
  const gated = g.op('gated', 'Mul', [residual, g.constant('gate', [8])]);
  const pooled = g.op('pooled', 'AvgPool', [gated], { ksize: list([1, 3, 3, 1]), strides: list([1, 2, 2, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } });
  const mean = g.op('mean', 'Mean', [pooled, g.constant('axes', [2], [1, 2], 'int32')], { Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } });
  const logits = g.op('logits', '_FusedMatMul', [mean, g.constant('fc_w', [8, 4]), g.constant('fc_b', [4])], {
    transpose_a: { b: false },
    transpose_b: { b: false },
    fused_ops: { list: { s: [b64('BiasAdd')] } },
    num_args: { i: '1' },
    epsilon: { f: 0 },
  });
  g.op('scores', 'Softmax', [logits]);
  await expectAgreement(g, [2, 9, 9, 3]);
});

test('Pad, MaxPool, depthwise multiplier, ConcatV2 on channels, Mean keep_dims + Squeeze, Reshape, MatMul, Sigmoid', async () => {
  const g = new GraphModelWriter();
  const image = g.placeholder('input', [-1, 6, 6, 3]);
  const x = g.op('x', 'Mul', [image, g.constant('scale', [], [1 / 255])]);
  const padded = g.op('padded', 'Pad', [x, g.constant('paddings', [4, 2], [0, 0, 1, 1, 1, 0, 0, 0], 'int32')], { Tpaddings: { type: 'DT_INT32' } });
  const c = g.op('c', 'Conv2D', [padded, g.constant('c_w', [3, 3, 3, 4])], conv('VALID', 1));
  const relu = g.op('relu', 'Relu', [c]);
  const pool = g.op('pool', 'MaxPool', [relu], { ksize: list([1, 2, 2, 1]), strides: list([1, 2, 2, 1]), padding: { s: b64('SAME') }, data_format: { s: b64('NHWC') } });
  const wide = g.op('wide', 'DepthwiseConv2dNative', [pool, g.constant('wide_w', [3, 3, 4, 2])], conv('SAME', 1));
  const joined = g.op('joined', 'ConcatV2', [pool, wide, g.constant('concat_axis', [], [-1], 'int32')], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } });
  const kept = g.op('kept', 'Mean', [joined, g.constant('axes', [2], [1, 2], 'int32')], { Tidx: { type: 'DT_INT32' }, keep_dims: { b: true } });
  const squeezed = g.op('squeezed', 'Squeeze', [kept], { squeeze_dims: list([1, 2]) });
  const flat = g.op('flat', 'Reshape', [joined, g.constant('flat_shape', [2], [-1, 3 * 3 * 12], 'int32')], { Tshape: { type: 'DT_INT32' } });
  const both = g.op('both', 'ConcatV2', [squeezed, flat, g.constant('axis1', [], [1], 'int32')], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } });
  const logits = g.op('logits', 'MatMul', [both, g.constant('w', [12 + 108, 3])], { transpose_a: { b: false }, transpose_b: { b: false } });
  g.op('probabilities', 'Sigmoid', [logits]);
  await expectAgreement(g, [2, 6, 6, 3]);
});

test('a graph model with an op outside the set is refused, naming the node', () => {
  const g = new GraphModelWriter();
  const image = g.placeholder('image', [-1, 8, 8, 3]);
  g.op('resized', 'ResizeBilinear', [image, g.constant('size', [2], [4, 4], 'int32')], { align_corners: { b: false } });
  const artifacts = g.artifacts();
  expect(convertLayersModel(artifacts, artifacts)).toEqual({ kind: 'unsupported', reason: 'graph model: node "resized" (ResizeBilinear): no ONNX conversion for this TF op' });
});
