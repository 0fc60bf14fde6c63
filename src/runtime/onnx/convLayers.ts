import { activate } from './activations';
import type { Attribute, Dims } from './onnxGraph';
import { channelDims, channelsOf, pair, requireChannelsLast, toKeras, toNchw, unsupported, type LayerContext, type LayerConverter, type Value } from './tensorLayout';

/**
 * Convolutions, Dense and BatchNormalization. Kernels go from TF.js' HWIO to ONNX's OIHW; a depthwise
 * kernel [kh, kw, C, M] becomes a grouped Conv (group C) whose output channel c·M + m is TF's; "same"
 * padding becomes explicit pads computed as TF does (the extra row / column at the end) when the input
 * size is known, else auto_pad SAME_UPPER (the same rule).
 */

/** Spatial window geometry of a conv or pooling layer, and the output shape it gives. */
export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  attributes: Record<string, Attribute>;
  outSize: [number | null, number | null];
}

export function windowOf(context: LayerContext, input: Value, kernel: [number, number], strides: [number, number], dilations: [number, number]): Window {
  const padding = context.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw unsupported(context, `padding "${String(padding)}"`);
  const sizes = [input.shape[1], input.shape[2]];
  const outSize = sizes.map((size, i) => {
    if (typeof size !== 'number') return null;
    const span = (kernel[i] - 1) * dilations[i] + 1;
    return padding === 'same' ? Math.ceil(size / strides[i]) : Math.floor((size - span) / strides[i]) + 1;
  }) as [number | null, number | null];
  if (outSize.some((size) => size !== null && size < 1)) throw unsupported(context, `a ${kernel.join('x')} window does not fit its ${sizes.join('x')} input`);
  const attributes: Record<string, Attribute> = { kernel_shape: kernel, strides };
  if (padding === 'same') {
    if (sizes.every((size) => typeof size === 'number')) {
      const before: number[] = [];
      const after: number[] = [];
      sizes.forEach((size, i) => {
        const total = Math.max(0, (outSize[i]! - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - (size as number));
        before.push(Math.floor(total / 2));
        after.push(total - Math.floor(total / 2));
      });
      attributes.pads = [...before, ...after];
    } else attributes.auto_pad = 'SAME_UPPER';
  } else attributes.pads = [0, 0, 0, 0];
  return { kernel, strides, dilations, attributes, outSize };
}

/** OIHW from HWIO, scaled per output channel when a BatchNormalization is folded in. */
export function oihw(hwio: Float32Array, [kh, kw, cin, cout]: number[], scale?: Float32Array): Float32Array {
  const out = new Float32Array(hwio.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + h) * kw + w] = hwio[((h * kw + w) * cin + i) * cout + o] * (scale ? scale[o] : 1);
  return out;
}

/** [C·M, 1, kh, kw] from a depthwise kernel [kh, kw, C, M]: output channel c·M + m as in TF. */
export function depthwiseOihw(kernel: Float32Array, [kh, kw, channels, multiplier]: number[], scale?: Float32Array): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let c = 0; c < channels; c++)
        for (let m = 0; m < multiplier; m++) {
          const o = c * multiplier + m;
          out[(o * kh + h) * kw + w] = kernel[((h * kw + w) * channels + c) * multiplier + m] * (scale ? scale[o] : 1);
        }
  return out;
}

/** The bias a conv ends with: its own (or zeros), then the folded BatchNormalization's scale and shift. */
function biasOf(context: LayerContext, channels: number, useBias: boolean, kind = 'bias'): Float32Array | undefined {
  const bias = useBias ? Float32Array.from(context.weight(kind, [channels])) : undefined;
  const fold = context.fold;
  if (!fold) return bias;
  const out = new Float32Array(channels);
  for (let o = 0; o < channels; o++) out[o] = (bias ? bias[o] : 0) * fold.scale[o] + fold.shift[o];
  return out;
}

function conv(
  context: LayerContext,
  x: Value,
  weights: Float32Array,
  weightDims: number[],
  bias: Float32Array | undefined,
  window: Window,
  group: number,
  channels: number,
  base: string,
): Value {
  const graph = context.graph;
  const inputs = [toNchw(graph, x).name, graph.floats(`${base}_W`, weights, weightDims)];
  if (bias) inputs.push(graph.floats(`${base}_B`, bias, [channels]));
  const shape: Dims = [x.shape[0], window.outSize[0], window.outSize[1], channels];
  return { name: graph.node('Conv', inputs, { ...window.attributes, dilations: window.dilations, group }, base), shape, layout: 'nchw' };
}

function convGeometry(context: LayerContext, input: Value): Window {
  requireChannelsLast(context);
  const c = context.config;
  return windowOf(context, input, pair(c.kernel_size, 1), pair(c.strides, 1), pair(c.dilation_rate, 1));
}

const Conv2D: LayerConverter = (context, [x]) => {
  const window = convGeometry(context, x);
  const filters = context.config.filters as number;
  const groups = (context.config.groups as number | undefined) ?? 1;
  const cin = channelsOf(context, x);
  const dims = [...window.kernel, cin / groups, filters];
  const kernel = oihw(context.weight('kernel', dims), dims, context.fold?.scale);
  const bias = biasOf(context, filters, context.config.use_bias !== false);
  const y = conv(context, x, kernel, [filters, cin / groups, ...window.kernel], bias, window, groups, filters, context.call.name);
  return activate(context, y, context.config.activation);
};

const DepthwiseConv2D: LayerConverter = (context, [x]) => {
  const window = convGeometry(context, x);
  const multiplier = (context.config.depth_multiplier as number | undefined) ?? 1;
  const channels = channelsOf(context, x);
  const dims = [...window.kernel, channels, multiplier];
  const kernel = depthwiseOihw(context.weight('depthwise_kernel', dims), dims, context.fold?.scale);
  const bias = biasOf(context, channels * multiplier, context.config.use_bias !== false);
  const y = conv(context, x, kernel, [channels * multiplier, 1, ...window.kernel], bias, window, channels, channels * multiplier, context.call.name);
  return activate(context, y, context.config.activation);
};

const SeparableConv2D: LayerConverter = (context, [x]) => {
  const window = convGeometry(context, x);
  const multiplier = (context.config.depth_multiplier as number | undefined) ?? 1;
  const filters = context.config.filters as number;
  const channels = channelsOf(context, x);
  const dims = [...window.kernel, channels, multiplier];
  const depthwise = depthwiseOihw(context.weight('depthwise_kernel', dims), dims);
  const mid = conv(context, x, depthwise, [channels * multiplier, 1, ...window.kernel], undefined, window, channels, channels * multiplier, `${context.call.name}_depthwise`);
  const pointDims = [1, 1, channels * multiplier, filters];
  const pointwise = oihw(context.weight('pointwise_kernel', pointDims), pointDims, context.fold?.scale);
  const one = windowOf({ ...context, config: { padding: 'valid' } }, mid, [1, 1], [1, 1], [1, 1]);
  const bias = biasOf(context, filters, context.config.use_bias !== false);
  const y = conv(context, mid, pointwise, [filters, channels * multiplier, 1, 1], bias, one, 1, filters, context.call.name);
  return activate(context, y, context.config.activation);
};

const Dense: LayerConverter = (context, [x]) => {
  const graph = context.graph;
  const units = context.config.units as number;
  const inputs = channelsOf(context, x);
  const kernel = graph.floats(`${context.call.name}_W`, context.weight('kernel', [inputs, units]), [inputs, units]);
  const bias = context.config.use_bias !== false ? graph.floats(`${context.call.name}_B`, context.weight('bias', [units]), [units]) : undefined;
  const shape = [...x.shape.slice(0, -1), units];
  let y: Value;
  if (x.shape.length === 2) {
    y = { name: graph.node('Gemm', bias ? [x.name, kernel, bias] : [x.name, kernel], {}, context.call.name), shape, layout: 'keras' };
  } else {
    // Dense on a map applies to its last (channel) axis: in Keras order.
    const product = graph.node('MatMul', [toKeras(graph, x).name, kernel], {}, `${context.call.name}_matmul`);
    y = { name: bias ? graph.node('Add', [product, bias], {}, context.call.name) : product, shape, layout: 'keras' };
  }
  return activate(context, y, context.config.activation);
};

/** y = x · scale + shift per channel, from a BatchNormalization's weights (inference: moving statistics) on a `rank`-D input. */
export function batchNormAffine(context: LayerContext, channels: number, rank: number): { scale: Float32Array; shift: Float32Array } {
  const c = context.config;
  const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== rank - 1)) throw unsupported(context, `normalises axis ${JSON.stringify(c.axis)}, not the channels (last axis)`);
  const gamma = c.scale !== false ? context.weight('gamma', [channels]) : undefined;
  const beta = c.center !== false ? context.weight('beta', [channels]) : undefined;
  const mean = context.weight('moving_mean', [channels]);
  const variance = context.weight('moving_variance', [channels]);
  const epsilon = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let i = 0; i < channels; i++) {
    const s = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + epsilon);
    scale[i] = s;
    shift[i] = (beta ? beta[i] : 0) - mean[i] * s;
  }
  return { scale, shift };
}

const BatchNormalization: LayerConverter = (context, [x]) => {
  const graph = context.graph;
  const channels = channelsOf(context, x);
  const { scale, shift } = batchNormAffine(context, channels, x.shape.length);
  const dims = channelDims(x, channels);
  const scaled = graph.node('Mul', [x.name, graph.floats(`${context.call.name}_scale`, scale, dims)], {}, `${context.call.name}_mul`);
  return { ...x, name: graph.node('Add', [scaled, graph.floats(`${context.call.name}_shift`, shift, dims)], {}, context.call.name) };
};

export const CONV_LAYERS: Record<string, LayerConverter> = {
  Conv2D,
  Convolution2D: Conv2D,
  DepthwiseConv2D,
  SeparableConv2D,
  SeparableConvolution2D: SeparableConv2D,
  Dense,
  BatchNormalization,
};

/** Layers a following BatchNormalization can be folded into (when it is their only consumer and they have no activation). */
export const FOLDABLE = new Set(['Conv2D', 'Convolution2D', 'DepthwiseConv2D', 'SeparableConv2D', 'SeparableConvolution2D']);
