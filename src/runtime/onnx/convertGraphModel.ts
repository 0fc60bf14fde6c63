import { activate } from './activations';
import { depthwiseOihw, oihw, windowOf } from './convLayers';
import { UnsupportedModelError } from './layerGraph';
import { OnnxGraph, type Dims } from './onnxGraph';
import { storedAxis, toKeras, toNchw, type LayerContext, type Value } from './tensorLayout';
import type { WeightMap } from './weightData';

/**
 * TF.js graph models (tensorflowjs_converter output, AutoML Vision Edge exports) of the op set image
 * classifiers use: Placeholder, Const, Identity, Conv2D / _FusedConv2D and (Fused)DepthwiseConv2dNative
 * (BiasAdd + Relu / Relu6 / Elu / Sigmoid / Tanh / LeakyRelu fused), BiasAdd / Add / AddV2 / Sub / Mul /
 * RealDiv / Maximum / Minimum (a tensor with a constant or with another tensor), the activations,
 * Softmax, MatMul / _FusedMatMul, Mean / Max over axes, AvgPool / MaxPool, Reshape, Squeeze, ConcatV2,
 * Pad. Anything else (another op, NCHW or explicit padding, a fused batch norm, control flow) is refused
 * with the node named. Tensors stay NHWC at the input and output, channels-first inside as for layers.
 */
type Attr = {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { i?: Array<string | number>; s?: string[] };
  shape?: { dim?: Array<{ size?: string | number }>; unknownRank?: boolean };
  tensor?: { tensorShape?: { dim?: Array<{ size?: string | number }> } };
};
interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, Attr>;
}
type Operand = { kind: 'tensor'; value: Value } | { kind: 'const'; data: Float32Array; dims: number[] };

export interface GraphConversion {
  onnx: Uint8Array;
  inputName: string;
  inputShape: Dims;
  outputName: string;
  outputShape: Dims;
  nodes: number;
}

const text = (attr?: Attr) => (attr?.s === undefined ? undefined : Buffer.from(attr.s, 'base64').toString());
const ints = (attr?: Attr) => (attr?.list?.i ?? []).map(Number);
const texts = (attr?: Attr) => (attr?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());
const dimsOf = (dims?: Array<{ size?: string | number }>) => (dims ?? []).map((d) => Number(d.size ?? -1));
const sourceName = (input: string) => input.replace(/^\^/, '').replace(/:\d+$/, '');

const BINARY: Record<string, string> = { BiasAdd: 'Add', Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min' };
const ACTIVATION: Record<string, string> = { Relu: 'relu', Relu6: 'relu6', Sigmoid: 'sigmoid', Tanh: 'tanh', Elu: 'elu', Selu: 'selu', Softplus: 'softplus', Softmax: 'softmax' };
const PASS_THROUGH = new Set(['Identity', 'StopGradient', 'Snapshot']);

export function convertGraphModel(topology: { node?: unknown }, weights: WeightMap, metadata: Record<string, string>): GraphConversion {
  const nodes = (Array.isArray(topology.node) ? topology.node : []) as TfNode[];
  const byName = new Map(nodes.map((node) => [node.name, node]));
  if (byName.size !== nodes.length) throw new UnsupportedModelError('two nodes of the graph model share a name');
  const placeholders = nodes.filter((node) => node.op === 'Placeholder');
  if (placeholders.length !== 1) throw new UnsupportedModelError(`the graph model has ${placeholders.length} inputs; the gateway feeds one image tensor`);
  const consumed = new Set(nodes.flatMap((node) => (node.input ?? []).map(sourceName)));
  const sinks = nodes.filter((node) => !consumed.has(node.name) && !['Const', 'NoOp', 'Placeholder'].includes(node.op));
  if (sinks.length !== 1) throw new UnsupportedModelError(`the graph model has ${sinks.length} outputs (${sinks.map((n) => n.name).join(', ')}); one is expected`);

  const graph = new OnnxGraph();
  const input = placeholders[0];
  const inputShape: Dims = dimsOf(input.attr?.shape?.shape?.dim).map((d) => (d > 0 ? d : null));
  if (input.attr?.shape?.shape?.unknownRank || inputShape.length === 0) throw new UnsupportedModelError(`input "${input.name}" has no known shape`);
  const inputName = graph.inputName(input.name);
  const outputName = graph.uniqueName(sinks[0].name);
  const done = new Map<string, Operand>([[input.name, { kind: 'tensor', value: { name: inputName, shape: inputShape, layout: 'keras' } }]]);
  const visiting = new Set<string>();
  let converted = 0;

  const evaluate = (name: string): Operand => {
    const known = done.get(name);
    if (known) return known;
    const node = byName.get(name);
    if (!node) throw new UnsupportedModelError(`no node "${name}" in the graph model`);
    if (visiting.has(name)) throw new UnsupportedModelError(`node "${name}" (${node.op}) depends on itself: control flow is not converted`);
    visiting.add(name);
    const operand = convertNode(
      node,
      (node.input ?? []).filter((i) => !i.startsWith('^')).map((i) => evaluate(sourceName(i))),
    );
    visiting.delete(name);
    done.set(name, operand);
    converted++;
    return operand;
  };

  const convertNode = (node: TfNode, inputs: Operand[]): Operand => {
    const attr = node.attr ?? {};
    const context: LayerContext = {
      graph,
      call: { className: node.op, name: node.name, scope: [], config: {}, inputs: [], output: '' },
      config: { padding: text(attr.padding)?.toLowerCase() },
      weight: () => new Float32Array(0),
    };
    const refuse = (why: string) => new UnsupportedModelError(`node "${node.name}" (${node.op}): ${why}`);
    const tensor = (i: number): Value => {
      const operand = inputs[i];
      if (operand?.kind !== 'tensor') throw refuse(`input ${i} must be a computed tensor`);
      return operand.value;
    };
    const constant = (i: number): { data: Float32Array; dims: number[] } => {
      const operand = inputs[i];
      if (operand?.kind !== 'const') throw refuse(`input ${i} must be a constant`);
      return operand;
    };
    const out = (value: Value): Operand => ({ kind: 'tensor', value });
    const format = text(attr.data_format);
    if (format !== undefined && format !== 'NHWC') throw refuse(`data_format ${format}`);
    if (['SAME', 'VALID', undefined].indexOf(text(attr.padding)) < 0) throw refuse(`padding ${text(attr.padding)}`);

    if (node.op === 'Const') {
      const data = weights.get(node.name);
      if (!data) throw refuse('its value is not in the weights manifest');
      return { kind: 'const', data, dims: dimsOf(attr.value?.tensor?.tensorShape?.dim) };
    }
    if (PASS_THROUGH.has(node.op)) return inputs[0];
    if (ACTIVATION[node.op]) return out(activate(context, tensor(0), ACTIVATION[node.op]));
    if (node.op === 'LeakyRelu') return out({ ...tensor(0), name: graph.node('LeakyRelu', [tensor(0).name], { alpha: attr.alpha?.f ?? 0.2 }, node.name) });
    if (BINARY[node.op]) return out(binary(context, BINARY[node.op], inputs, refuse));
    switch (node.op) {
      case 'Conv2D':
      case '_FusedConv2D':
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative': {
        const x = tensor(0);
        const filter = constant(1);
        const [kh, kw, cin, cout] = filter.dims;
        const strides = ints(attr.strides);
        const dilations = attr.dilations ? ints(attr.dilations) : [1, 1, 1, 1];
        const window = windowOf(context, x, [kh, kw], [strides[1] ?? 1, strides[2] ?? 1], [dilations[1] ?? 1, dilations[2] ?? 1]);
        const depthwise = node.op.includes('Depthwise');
        const channels = depthwise ? cin * cout : cout;
        const xChannels = x.shape.at(-1);
        const group = depthwise ? cin : typeof xChannels === 'number' ? xChannels / cin : 1;
        const weight = depthwise ? depthwiseOihw(filter.data, filter.dims) : oihw(filter.data, filter.dims);
        const conv = [toNchw(graph, x).name, graph.floats(`${node.name}_W`, weight, depthwise ? [channels, 1, kh, kw] : [cout, cin, kh, kw])];
        const fused = texts(attr.fused_ops);
        if (fused[0] === 'BiasAdd') conv.push(graph.floats(`${node.name}_B`, constant(2).data, [channels]));
        const value: Value = {
          name: graph.node('Conv', conv, { ...window.attributes, dilations: window.dilations, group }, `${node.name}_conv`),
          shape: [x.shape[0], ...window.outSize, channels],
          layout: 'nchw',
        };
        return out(fusedActivation(context, value, fused, attr, refuse));
      }
      case 'MatMul':
      case '_FusedMatMul': {
        const x = tensor(0);
        const w = constant(1);
        if (attr.transpose_a?.b || x.shape.length !== 2) throw refuse('only [N, K] x [K, M] products');
        const m = attr.transpose_b?.b ? w.dims[0] : w.dims[1];
        if (w.dims.length !== 2) throw refuse('a weight that is not a matrix');
        const fused = texts(attr.fused_ops);
        const gemm = [x.name, graph.floats(`${node.name}_W`, w.data, w.dims)];
        if (fused[0] === 'BiasAdd') gemm.push(graph.floats(`${node.name}_B`, constant(2).data, [m]));
        const value: Value = { name: graph.node('Gemm', gemm, { transB: attr.transpose_b?.b ? 1 : 0 }, `${node.name}_gemm`), shape: [x.shape[0], m], layout: 'keras' };
        return out(fusedActivation(context, value, fused, attr, refuse));
      }
      case 'Mean':
      case 'Max': {
        const x = tensor(0);
        const rank = x.shape.length;
        const axes = [...constant(1).data].map((a) => (a < 0 ? a + rank : a)).sort();
        const keep = attr.keep_dims?.b === true;
        if (rank === 4 && axes.join() === '1,2') {
          const pooled = graph.node(node.op === 'Mean' ? 'GlobalAveragePool' : 'GlobalMaxPool', [toNchw(graph, x).name], {}, `${node.name}_pool`);
          if (keep) return out({ name: pooled, shape: [x.shape[0], 1, 1, x.shape[3]], layout: 'nchw' });
          return out({ name: graph.node('Flatten', [pooled], { axis: 1 }, node.name), shape: [x.shape[0], x.shape[3]], layout: 'keras' });
        }
        const shape = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
        return out({
          name: graph.node(node.op === 'Mean' ? 'ReduceMean' : 'ReduceMax', [toKeras(graph, x).name], { axes, keepdims: keep ? 1 : 0 }, node.name),
          shape,
          layout: 'keras',
        });
      }
      case 'AvgPool':
      case 'MaxPool': {
        const x = tensor(0);
        const size = ints(attr.ksize);
        const strides = ints(attr.strides);
        const window = windowOf(context, x, [size[1], size[2]], [strides[1], strides[2]], [1, 1]);
        const name = graph.node(node.op === 'AvgPool' ? 'AveragePool' : 'MaxPool', [toNchw(graph, x).name], window.attributes, node.name);
        return out({ name, shape: [x.shape[0], ...window.outSize, x.shape[3]], layout: 'nchw' });
      }
      case 'Reshape': {
        const x = tensor(0);
        const target = [...constant(1).data];
        if (target.includes(0)) throw refuse('a zero-sized dimension');
        const size = x.shape.every((d) => typeof d === 'number') ? (x.shape as number[]).reduce((a, b) => a * b, 1) : null;
        const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
        const shape = target.map((d) => (d === -1 ? (size === null ? null : size / known) : d));
        return out({ name: graph.node('Reshape', [toKeras(graph, x).name, graph.int64s(`${node.name}_shape`, target)], {}, node.name), shape, layout: 'keras' });
      }
      case 'Squeeze': {
        const x = tensor(0);
        let axes = ints(attr.squeeze_dims ?? attr.axis).map((a) => (a < 0 ? a + x.shape.length : a));
        if (axes.length === 0) axes = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
        if (axes.length === 0 || axes.some((a) => x.shape[a] !== 1)) throw refuse('the squeezed axes are not known to be of size 1');
        const name = graph.node('Squeeze', [toKeras(graph, x).name, graph.int64s(`${node.name}_axes`, axes)], {}, node.name);
        return out({ name, shape: x.shape.filter((_, i) => !axes.includes(i)), layout: 'keras' });
      }
      case 'ConcatV2': {
        const axis = constant(inputs.length - 1).data[0];
        const parts = inputs.slice(0, -1).map((_, i) => tensor(i));
        const rank = parts[0].shape.length;
        const aligned = parts.map((x) => (rank === 4 ? toNchw(graph, x) : toKeras(graph, x)));
        const positive = axis < 0 ? axis + rank : axis;
        const shape = [...parts[0].shape];
        const sizes = parts.map((x) => x.shape[positive]);
        shape[positive] = sizes.every((s) => typeof s === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
        return out({
          name: graph.node(
            'Concat',
            aligned.map((x) => x.name),
            { axis: storedAxis(aligned[0], axis) },
            node.name,
          ),
          shape,
          layout: aligned[0].layout,
        });
      }
      case 'Pad':
      case 'PadV2': {
        const x = tensor(0);
        const pads = [...constant(1).data];
        if (node.op === 'PadV2' && constant(2).data[0] !== 0) throw refuse('padding with a value other than 0');
        if (x.shape.length !== 4 || pads[0] || pads[1] || pads[6] || pads[7]) throw refuse('only spatial padding of a 4-D map');
        const onnxPads = graph.int64s(`${node.name}_pads`, [0, 0, pads[2], pads[4], 0, 0, pads[3], pads[5]]);
        const grow = (d: number | null, extra: number) => (d === null ? null : d + extra);
        return out({
          name: graph.node('Pad', [toNchw(graph, x).name, onnxPads], { mode: 'constant' }, node.name),
          shape: [x.shape[0], grow(x.shape[1], pads[2] + pads[3]), grow(x.shape[2], pads[4] + pads[5]), x.shape[3]],
          layout: 'nchw',
        });
      }
      default:
        throw refuse('no ONNX conversion for this TF op');
    }
  };

  const result = evaluate(sinks[0].name);
  if (result.kind !== 'tensor') throw new UnsupportedModelError(`the output "${sinks[0].name}" is a constant`);
  const last = toKeras(graph, result.value);
  const output = graph.output(last.name, outputName);
  const onnx = graph.encode('tfjs_graph_model', { name: inputName, dims: inputShape }, { name: output, dims: last.shape }, metadata);
  return { onnx, inputName, inputShape, outputName: output, outputShape: last.shape, nodes: converted };
}

/** The activation after a fused BiasAdd (`fused_ops` ["BiasAdd", "Relu6"]...). */
function fusedActivation(context: LayerContext, value: Value, fused: string[], attr: Record<string, Attr>, refuse: (why: string) => Error): Value {
  if (fused.length === 0) return value;
  if (fused[0] !== 'BiasAdd' || fused.length > 2) throw refuse(`fused ops ${fused.join(', ')}`);
  const op = fused[1];
  if (op === undefined) return value;
  if (op === 'LeakyRelu') return { ...value, name: context.graph.node('LeakyRelu', [value.name], { alpha: attr.leakyrelu_alpha?.f ?? 0.2 }, `${context.call.name}_leaky`) };
  if (!ACTIVATION[op] || op === 'Softmax') throw refuse(`fused activation ${op}`);
  return activate(context, value, ACTIVATION[op]);
}

/** A binary op of a tensor and a constant (broadcast as TF does, in the tensor's stored layout) or of two tensors. */
function binary(context: LayerContext, op: string, inputs: Operand[], refuse: (why: string) => Error): Value {
  const graph = context.graph;
  const [a, b] = inputs;
  if (!a || !b) throw refuse('two inputs expected');
  if (a.kind === 'const' && b.kind === 'const') throw refuse('two constants (not folded by the converter that wrote it)');
  if (a.kind === 'tensor' && b.kind === 'tensor') {
    const rank = a.value.shape.length;
    if (b.value.shape.length !== rank) throw refuse('tensors of different ranks');
    const [x, y] = rank === 4 ? [toNchw(graph, a.value), toNchw(graph, b.value)] : [toKeras(graph, a.value), toKeras(graph, b.value)];
    return { ...x, name: graph.node(op, [x.name, y.name], {}, context.call.name) };
  }
  let x = (a.kind === 'tensor' ? a : b) as { value: Value };
  const c = (a.kind === 'const' ? a : b) as { data: Float32Array; dims: number[] };
  const significant = c.dims.slice(c.dims.findIndex((d) => d !== 1) < 0 ? c.dims.length : c.dims.findIndex((d) => d !== 1));
  let dims = c.dims;
  if (c.data.length === 1) dims = [];
  else if (x.value.layout === 'nchw') {
    if (significant.length === 1 && significant[0] === x.value.shape[3]) dims = [significant[0], 1, 1];
    else x = { value: toKeras(graph, x.value) };
  }
  const constant = graph.floats(`${context.call.name}_const`, c.data, dims);
  const operands = a.kind === 'tensor' ? [x.value.name, constant] : [constant, x.value.name];
  return { ...x.value, name: graph.node(op, operands, {}, context.call.name) };
}
