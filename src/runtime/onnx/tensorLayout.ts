import { UnsupportedModelError, type LayerCall } from './layerGraph';
import type { Dims, OnnxGraph } from './onnxGraph';

/**
 * A tensor of the converted graph. `shape` is always the Keras (channels-last) shape, batch first;
 * `layout` says how the ONNX tensor holds it: `nchw` (a 4-D map stored channels-first, what ONNX Conv
 * and pooling take) or `keras` (stored as Keras has it). Layers ask for the layout they need and a
 * Transpose is added only where the layout changes (once per tensor).
 */
export interface Value {
  name: string;
  shape: Dims;
  layout: 'nchw' | 'keras';
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
const converted = new WeakMap<Value, Value>();

export function toNchw(graph: OnnxGraph, value: Value): Value {
  if (value.layout === 'nchw') return value;
  if (value.shape.length !== 4) throw new UnsupportedModelError(`a ${value.shape.length}-D tensor reaches a layer that takes 4-D maps`);
  return convert(graph, value, NHWC_TO_NCHW, 'nchw');
}

export function toKeras(graph: OnnxGraph, value: Value): Value {
  return value.layout === 'keras' ? value : convert(graph, value, NCHW_TO_NHWC, 'keras');
}

function convert(graph: OnnxGraph, value: Value, perm: number[], layout: Value['layout']): Value {
  const known = converted.get(value);
  if (known) return known;
  const result: Value = { name: graph.node('Transpose', [value.name], { perm }, `${value.name}_${layout}`), shape: value.shape, layout };
  converted.set(value, result);
  return result;
}

/** The ONNX axis of Keras axis `axis` (negative counts from the end) of `value` as it is stored. */
export function storedAxis(value: Value, axis: number): number {
  const rank = value.shape.length;
  const positive = axis < 0 ? axis + rank : axis;
  if (positive < 0 || positive >= rank) throw new UnsupportedModelError(`axis ${axis} of a ${rank}-D tensor`);
  return value.layout === 'nchw' ? NHWC_TO_NCHW.indexOf(positive) : positive;
}

/** Constant shape that broadcasts a per-channel vector of `channels` against `value` as it is stored. */
export function channelDims(value: Value, channels: number): number[] {
  if (value.layout === 'nchw') return [channels, 1, 1];
  return [channels];
}

type Json = Record<string, unknown>;

/** What a layer converter gets: the graph, its call, its config and its weights. */
export interface LayerContext {
  graph: OnnxGraph;
  call: LayerCall;
  config: Json;
  /** The weight `kind` ("kernel", "bias", "gamma"...) of this layer, which must hold `shape`'s element count. */
  weight(kind: string, shape: number[]): Float32Array;
  /** A BatchNormalization that follows this convolution, folded in: y = conv(x) * scale + shift. */
  fold?: { scale: Float32Array; shift: Float32Array };
}

export type LayerConverter = (context: LayerContext, inputs: Value[]) => Value;

/** A `layer "name" (Class): why` error. */
export function unsupported(context: LayerContext, why: string): UnsupportedModelError {
  return new UnsupportedModelError(`layer "${context.call.name}" (${context.call.className}): ${why}`);
}

/** [a, b] from a Keras int-or-pair config value. */
export function pair(value: unknown, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
  throw new UnsupportedModelError(`expected a number or a pair, got ${JSON.stringify(value)}`);
}

/** Refuses channels-first layers: TF.js models are channels-last. */
export function requireChannelsLast(context: LayerContext): void {
  const format = context.config.data_format;
  if (format !== undefined && format !== null && format !== 'channels_last') throw unsupported(context, `data_format "${String(format)}"`);
}

/** The known channel count (last Keras axis) of `value`. */
export function channelsOf(context: LayerContext, value: Value): number {
  const channels = value.shape.at(-1);
  if (typeof channels !== 'number') throw unsupported(context, 'its input has an unknown number of channels');
  return channels;
}
