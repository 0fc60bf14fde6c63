import { windowOf } from './convLayers';
import type { Dims } from './onnxGraph';
import { channelDims, pair, requireChannelsLast, storedAxis, toKeras, toNchw, unsupported, type LayerContext, type LayerConverter, type Value } from './tensorLayout';

/**
 * Pooling, merging, reshaping and padding layers, and the layers that do nothing at inference.
 * Flatten and Reshape work on the Keras (NHWC) order: a channels-first map is transposed back first,
 * or the flattened features would come out in another order.
 */

const identity: LayerConverter = (_context, [x]) => x;

function pool(op: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (context, [x]) => {
    requireChannelsLast(context);
    const size = pair(context.config.pool_size, 2);
    const strides = context.config.strides === null || context.config.strides === undefined ? size : pair(context.config.strides, 1);
    const window = windowOf(context, x, size, strides, [1, 1]);
    // AveragePool leaves the padding out of each average (count_include_pad 0), as TF does.
    const name = context.graph.node(op, [toNchw(context.graph, x).name], window.attributes, context.call.name);
    return { name, shape: [x.shape[0], window.outSize[0], window.outSize[1], x.shape[3]], layout: 'nchw' };
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (context, [x]) => {
    requireChannelsLast(context);
    const graph = context.graph;
    const pooled = graph.node(op, [toNchw(graph, x).name], {}, `${context.call.name}_pool`);
    if (context.config.keepdims === true) return { name: pooled, shape: [x.shape[0], 1, 1, x.shape[3]], layout: 'nchw' };
    return { name: graph.node('Flatten', [pooled], { axis: 1 }, context.call.name), shape: [x.shape[0], x.shape[3]], layout: 'keras' };
  };
}

/** The inputs in one layout: channels-first when they are maps, else as they are. */
function aligned(context: LayerContext, inputs: Value[]): Value[] {
  const rank = inputs[0].shape.length;
  if (inputs.some((x) => x.shape.length !== rank)) throw unsupported(context, `inputs of different ranks (${inputs.map((x) => x.shape.length).join(', ')})`);
  return rank === 4 ? inputs.map((x) => toNchw(context.graph, x)) : inputs.map((x) => toKeras(context.graph, x));
}

function merge(op: 'Add' | 'Mul' | 'Sub' | 'Max' | 'Min' | 'Mean'): LayerConverter {
  return (context, inputs) => {
    const values = aligned(context, inputs);
    if (op === 'Sub' && values.length !== 2) throw unsupported(context, 'Subtract takes exactly two inputs');
    const graph = context.graph;
    let name: string;
    if (op === 'Add' || op === 'Mul' || op === 'Sub') {
      name = values[0].name;
      values.slice(1).forEach((x, i) => (name = graph.node(op, [name, x.name], {}, i === values.length - 2 ? context.call.name : `${context.call.name}_${i}`)));
    } else
      name = graph.node(
        op,
        values.map((x) => x.name),
        {},
        context.call.name,
      );
    return { name, shape: values[0].shape, layout: values[0].layout };
  };
}

const Concatenate: LayerConverter = (context, inputs) => {
  const values = aligned(context, inputs);
  const keras = typeof context.config.axis === 'number' ? context.config.axis : -1;
  const rank = values[0].shape.length;
  const positive = keras < 0 ? keras + rank : keras;
  const shape = [...values[0].shape];
  const sizes = values.map((x) => x.shape[positive]);
  shape[positive] = sizes.every((s) => typeof s === 'number') ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
  return {
    name: context.graph.node(
      'Concat',
      values.map((x) => x.name),
      { axis: storedAxis(values[0], keras) },
      context.call.name,
    ),
    shape,
    layout: values[0].layout,
  };
};

const product = (dims: Dims): number | null => (dims.every((d) => typeof d === 'number') ? (dims as number[]).reduce((a, b) => a * b, 1) : null);

const Flatten: LayerConverter = (context, [x]) => {
  if (x.shape.length === 2) return x;
  const input = toKeras(context.graph, x);
  return { name: context.graph.node('Flatten', [input.name], { axis: 1 }, context.call.name), shape: [x.shape[0], product(x.shape.slice(1))], layout: 'keras' };
};

const Reshape: LayerConverter = (context, [x]) => {
  const target = context.config.target_shape;
  if (!Array.isArray(target) || !target.every((d) => Number.isInteger(d))) throw unsupported(context, `target_shape ${JSON.stringify(target)}`);
  const graph = context.graph;
  const size = product(x.shape.slice(1));
  const known = (target as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const shape: Dims = [x.shape[0], ...(target as number[]).map((d) => (d === -1 ? (size === null ? null : size / known) : d))];
  // 0 copies the batch size from the input.
  const name = graph.node('Reshape', [toKeras(graph, x).name, graph.int64s(`${context.call.name}_shape`, [0, ...(target as number[])])], {}, context.call.name);
  return { name, shape, layout: 'keras' };
};

const Permute: LayerConverter = (context, [x]) => {
  const dims = context.config.dims;
  if (!Array.isArray(dims) || dims.length !== x.shape.length - 1) throw unsupported(context, `dims ${JSON.stringify(dims)}`);
  const perm = [0, ...(dims as number[])];
  const name = context.graph.node('Transpose', [toKeras(context.graph, x).name], { perm }, context.call.name);
  return { name, shape: perm.map((axis) => x.shape[axis]), layout: 'keras' };
};

/** ((top, bottom), (left, right)) from an int, a symmetric pair or a pair of pairs. */
function edges(context: LayerContext, value: unknown, fallback: number): [[number, number], [number, number]] {
  if (Array.isArray(value) && value.every(Array.isArray)) return [pair(value[0], 0), pair(value[1], 0)];
  try {
    const [vertical, horizontal] = pair(value, fallback);
    return [
      [vertical, vertical],
      [horizontal, horizontal],
    ];
  } catch {
    throw unsupported(context, `padding / cropping ${JSON.stringify(value)}`);
  }
}

const ZeroPadding2D: LayerConverter = (context, [x]) => {
  requireChannelsLast(context);
  const [[top, bottom], [left, right]] = edges(context, context.config.padding, 1);
  const graph = context.graph;
  const pads = graph.int64s(`${context.call.name}_pads`, [0, 0, top, left, 0, 0, bottom, right]);
  const grow = (d: number | null, extra: number) => (d === null ? null : d + extra);
  return {
    name: graph.node('Pad', [toNchw(graph, x).name, pads], { mode: 'constant' }, context.call.name),
    shape: [x.shape[0], grow(x.shape[1], top + bottom), grow(x.shape[2], left + right), x.shape[3]],
    layout: 'nchw',
  };
};

const Cropping2D: LayerConverter = (context, [x]) => {
  requireChannelsLast(context);
  const [[top, bottom], [left, right]] = edges(context, context.config.cropping, 0);
  const graph = context.graph;
  const end = (cut: number) => (cut === 0 ? Number.MAX_SAFE_INTEGER : -cut);
  const inputs = [
    toNchw(graph, x).name,
    graph.int64s(`${context.call.name}_starts`, [top, left]),
    graph.int64s(`${context.call.name}_ends`, [end(bottom), end(right)]),
    graph.int64s(`${context.call.name}_axes`, [2, 3]),
  ];
  const shrink = (d: number | null, cut: number) => (d === null ? null : d - cut);
  return {
    name: graph.node('Slice', inputs, {}, context.call.name),
    shape: [x.shape[0], shrink(x.shape[1], top + bottom), shrink(x.shape[2], left + right), x.shape[3]],
    layout: 'nchw',
  };
};

const Rescaling: LayerConverter = (context, [x]) => {
  const graph = context.graph;
  const constant = (value: unknown, fallback: number, what: string): string => {
    if (value === undefined || value === null) return graph.scalar(fallback);
    if (typeof value === 'number') return graph.scalar(value);
    if (Array.isArray(value) && value.length === x.shape.at(-1)) return graph.floats(`${context.call.name}_${what}`, value as number[], channelDims(x, value.length));
    throw unsupported(context, `${what} ${JSON.stringify(value)}`);
  };
  const scaled = graph.node('Mul', [x.name, constant(context.config.scale, 1, 'scale')], {}, `${context.call.name}_mul`);
  return { ...x, name: graph.node('Add', [scaled, constant(context.config.offset, 0, 'offset')], {}, context.call.name) };
};

export const SHAPE_LAYERS: Record<string, LayerConverter> = {
  MaxPooling2D: pool('MaxPool'),
  MaxPool2D: pool('MaxPool'),
  AveragePooling2D: pool('AveragePool'),
  AvgPool2D: pool('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalAvgPool2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  GlobalMaxPool2D: globalPool('GlobalMaxPool'),
  Add: merge('Add'),
  Multiply: merge('Mul'),
  Subtract: merge('Sub'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Average: merge('Mean'),
  Concatenate,
  Flatten,
  Reshape,
  Permute,
  ZeroPadding2D,
  Cropping2D,
  Rescaling,
  // Identity at inference.
  Dropout: identity,
  SpatialDropout1D: identity,
  SpatialDropout2D: identity,
  SpatialDropout3D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  ActivityRegularization: identity,
};
