import type { io } from '@tensorflow/tfjs';
import { readModelArtifacts } from '../../models/modelFolder';
import { ACTIVATION_LAYERS } from './activations';
import { convertGraphModel } from './convertGraphModel';
import { CONV_LAYERS, FOLDABLE, batchNormAffine } from './convLayers';
import { UnsupportedModelError, layerGraph, type LayerCall } from './layerGraph';
import { OPSET, OnnxGraph, type Dims } from './onnxGraph';
import { SHAPE_LAYERS } from './shapeLayers';
import { channelsOf, toKeras, unsupported, type LayerContext, type LayerConverter, type Value } from './tensorLayout';
import { decodeWeights, type WeightMap } from './weightData';
import { concatenate as concatenateArrays } from '../../typedArrays';

/** Bumped whenever the converter's output changes: part of the cache key (onnxCache.ts). */
export const CONVERTER_VERSION = 1;

export type ConversionResult =
  | {
      kind: 'converted';
      /** What was converted: a layers model, or a graph model of the op set convertGraphModel.ts reads. */
      format: 'layers-model' | 'graph-model';
      /** The ONNX model (opset 17), for `ort.InferenceSession.create(bytes)`. */
      onnx: Uint8Array;
      /** Input: float32 [N, H, W, C] (NHWC, as TF.js takes it), values in the model's own input range. */
      inputName: string;
      inputShape: Dims;
      /** Output as TF.js gives it, e.g. softmax probabilities [N, classes]. */
      outputName: string;
      outputShape: Dims;
      opset: number;
      /** Layer calls (graph nodes) converted, and BatchNormalizations folded into the convolution before them. */
      layers: number;
      foldedBatchNorms: number;
    }
  | { kind: 'unsupported'; reason: string };

/** Weights by manifest name, or a manifest's entries with their shards concatenated in manifest order. */
export type WeightSource = WeightMap | { weightSpecs?: io.WeightsManifestEntry[]; weightData?: io.WeightData };

export interface ConvertOptions {
  /** Extra ModelProto metadata_props (onnxCache.ts records the source hash there). */
  metadata?: Record<string, string>;
}

const CONVERTERS: Record<string, LayerConverter> = { ...CONV_LAYERS, ...ACTIVATION_LAYERS, ...SHAPE_LAYERS };

/**
 * Converts a TF.js layers model (model.json's `format` and `modelTopology`, and its weights) into
 * ONNX bytes: the same function of the same NHWC float32 input, with the same output. Pure: no files,
 * no TF.js backend. Never throws for a model it cannot convert: it returns `{ kind: 'unsupported',
 * reason }` naming the first layer (class, config) or structure it does not handle. Graph models (AutoML
 * Vision Edge exports, tensorflowjs_converter output) are converted when every node is of the op set
 * convertGraphModel.ts reads, else refused the same way.
 */
export function convertLayersModel(model: { format?: string | null; modelTopology?: unknown }, weights: WeightSource, options: ConvertOptions = {}): ConversionResult {
  try {
    const topology = model.modelTopology as Record<string, unknown> | undefined;
    const weightMap = weights instanceof Map ? weights : decodeWeights(weights.weightSpecs ?? [], concatenate(weights.weightData));
    if (model.format === 'graph-model' || Array.isArray(topology?.node)) {
      try {
        const graph = convertGraphModel(topology ?? {}, weightMap, { converter_version: String(CONVERTER_VERSION), ...options.metadata });
        const { nodes, ...rest } = graph;
        return { kind: 'converted', format: 'graph-model', ...rest, opset: OPSET, layers: nodes, foldedBatchNorms: 0 };
      } catch (error) {
        if (error instanceof UnsupportedModelError) throw new UnsupportedModelError(`graph model: ${error.message}`);
        throw error;
      }
    }
    return convert(topology, weightMap, options);
  } catch (error) {
    if (error instanceof UnsupportedModelError) return { kind: 'unsupported', reason: error.message };
    return { kind: 'unsupported', reason: `conversion failed: ${(error as Error).message}` };
  }
}

/** Reads a model folder with the project's reader (src/models/modelFolder.ts) and converts it. Throws ModelFolderError when the folder is unreadable. */
export async function convertModelFolder(dir: string, options: ConvertOptions = {}): Promise<ConversionResult> {
  const artifacts = await readModelArtifacts(dir);
  return convertLayersModel(artifacts, artifacts, options);
}

function convert(topology: unknown, weights: WeightMap, options: ConvertOptions): ConversionResult {
  const model = layerGraph(topology);
  const { resolve } = model;
  const producer = new Map<string, LayerCall>(model.calls.map((call) => [resolve(call.output), call]));
  const inputKey = resolve(model.input.key);
  const outputKey = resolve(model.output.key);

  // The calls the output depends on, inputs first.
  const order: LayerCall[] = [];
  const state = new Map<LayerCall, 'visiting' | 'done'>();
  const visit = (key: string): void => {
    if (key === inputKey) return;
    const call = producer.get(key);
    if (!call) throw new UnsupportedModelError(`no layer gives tensor ${key}`);
    if (state.get(call) === 'done') return;
    if (state.get(call) === 'visiting') throw new UnsupportedModelError(`layer "${call.name}" depends on itself`);
    state.set(call, 'visiting');
    call.inputs.forEach((input) => visit(resolve(input)));
    state.set(call, 'done');
    order.push(call);
  };
  visit(outputKey);

  // BatchNormalization right after a linear convolution that feeds nothing else is folded into it.
  const consumers = new Map<string, number>([[outputKey, 1]]);
  for (const call of order) for (const input of call.inputs) consumers.set(resolve(input), (consumers.get(resolve(input)) ?? 0) + 1);
  const foldInto = new Map<LayerCall, LayerCall>();
  for (const call of order) {
    if (call.className !== 'BatchNormalization' || call.inputs.length !== 1) continue;
    const key = resolve(call.inputs[0]);
    const before = producer.get(key);
    const linear = (before?.config.activation ?? 'linear') === 'linear';
    if (before && FOLDABLE.has(before.className) && linear && consumers.get(key) === 1) foldInto.set(before, call);
  }
  const folded = new Set(foldInto.values());

  const graph = new OnnxGraph();
  const inputName = graph.inputName(model.input.name);
  // Reserved now, so that no node inside takes the output layer's name ("probs").
  const outputName = graph.uniqueName(model.output.name);
  const values = new Map<string, Value>([[inputKey, { name: inputName, shape: model.input.shape, layout: 'keras' }]]);
  const context = (call: LayerCall): LayerContext => ({ graph, call, config: call.config, weight: weightLookup(weights, call) });
  for (const call of order) {
    const inputs = call.inputs.map((key) => values.get(resolve(key))!);
    let output: Value;
    if (folded.has(call)) output = inputs[0];
    else {
      const convert = Object.hasOwn(CONVERTERS, call.className) ? CONVERTERS[call.className] : undefined;
      if (!convert) throw unsupported(context(call), 'no ONNX conversion for this layer class');
      if (inputs.length === 0) throw unsupported(context(call), 'no inputs');
      const layer = context(call);
      const bn = foldInto.get(call);
      if (bn) {
        const multiplier = (call.config.depth_multiplier as number | undefined) ?? 1;
        const channels = typeof call.config.filters === 'number' ? call.config.filters : channelsOf(layer, inputs[0]) * multiplier;
        layer.fold = batchNormAffine(context(bn), channels, 4);
      }
      output = convert(layer, inputs);
    }
    values.set(resolve(call.output), output);
  }

  const last = toKeras(graph, values.get(outputKey)!);
  const output = { ...last, name: graph.output(last.name, outputName) };
  const onnx = graph.encode(
    'tfjs_layers_model',
    { name: inputName, dims: model.input.shape },
    { name: output.name, dims: output.shape },
    {
      converter_version: String(CONVERTER_VERSION),
      ...options.metadata,
    },
  );
  return {
    kind: 'converted',
    format: 'layers-model',
    onnx,
    inputName,
    inputShape: model.input.shape,
    outputName: output.name,
    outputShape: output.shape,
    opset: OPSET,
    layers: order.length - folded.size,
    foldedBatchNorms: folded.size,
  };
}

/**
 * Finds a layer's weight by name: "<layer>/<kind>", possibly under the names of the models it is
 * nested in, possibly with the "_1" suffix TF.js adds to a name used twice in one process.
 */
function weightLookup(weights: WeightMap, call: LayerCall): LayerContext['weight'] {
  return (kind, shape) => {
    const exact = [...call.scope, call.name, kind].join('/');
    let found = weights.get(exact);
    if (!found) {
      const pattern = new RegExp(`(^|/)${escape(call.name)}/${escape(kind)}(_\\d+)?$`);
      let candidates = [...weights.keys()].filter((name) => pattern.test(name));
      // The same layer name in two nested models: the one under this layer's models.
      if (candidates.length > 1) candidates = candidates.filter((name) => call.scope.every((model) => name.split('/').includes(model)));
      if (candidates.length > 1) throw new UnsupportedModelError(`layer "${call.name}" (${call.className}): several weights could be its ${kind}: ${candidates.join(', ')}`);
      found = candidates.length === 1 ? weights.get(candidates[0]) : undefined;
    }
    if (!found) throw new UnsupportedModelError(`layer "${call.name}" (${call.className}): no weight "${call.name}/${kind}" in the weights manifest`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (found.length !== size)
      throw new UnsupportedModelError(`layer "${call.name}" (${call.className}): weight ${kind} has ${found.length} values, expected [${shape.join(', ')}]`);
    return found;
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function concatenate(data: io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  return concatenateArrays(
    Uint8Array,
    data.map((part) => new Uint8Array(part)),
  ).buffer as ArrayBuffer;
}
