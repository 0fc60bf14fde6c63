import type { Dims } from './onnxGraph';

/** What the converter cannot express: carried to `{ kind: 'unsupported', reason }`. */
export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

type Json = Record<string, unknown>;

/** One call of a (non-container) layer: a node of the flattened graph. */
export interface LayerCall {
  className: string;
  name: string;
  /** Names of the nested models the layer sits in, outermost first (to find its weights). */
  scope: string[];
  config: Json;
  /** Keys of the tensors it takes, and of the tensor it gives. */
  inputs: string[];
  output: string;
}

/** A layers-model topology with nested models (Functional / Model / Sequential) expanded in place. */
export interface LayerGraph {
  calls: LayerCall[];
  input: { key: string; name: string; shape: Dims };
  /** Key and layer name of the model's (first) output. */
  output: { key: string; name: string };
  /** Where one key stands for another (a nested model's inputs and outputs): follow with `resolve`. */
  resolve(key: string): string;
}

const CONTAINERS = new Set(['Model', 'Functional', 'Sequential']);

/**
 * Flattens a TF.js / Keras layers topology (`modelTopology` of model.json, with or without the
 * `model_config` wrapper) into layer calls. Reads Keras 2 inbound nodes (`[[name, node, tensor, {}]]`)
 * and Keras 3 ones (`{args: [{class_name: "__keras_tensor__", config: {keras_history}}]}`). A model with
 * several inputs is refused (the gateway feeds one image tensor); of several outputs the first is
 * converted, as src/models/loadedModel.ts reads the first.
 */
export function layerGraph(topology: unknown): LayerGraph {
  const root = asObject(topology, 'modelTopology');
  const model = root.model_config !== undefined ? asObject(root.model_config, 'model_config') : root;
  const calls: LayerCall[] = [];
  const aliases = new Map<string, string>();
  const inputs: LayerGraph['input'][] = [];
  const resolve = (key: string): string => {
    const seen = new Set<string>();
    while (aliases.has(key) && !seen.has(key)) {
      seen.add(key);
      key = aliases.get(key)!;
    }
    return key;
  };
  const addInput = (key: string, name: string, config: Json) => {
    const shape = (config.batch_input_shape ?? config.batch_shape ?? (Array.isArray(config.input_shape) ? [null, ...config.input_shape] : undefined)) as Dims | undefined;
    if (!Array.isArray(shape)) throw new UnsupportedModelError(`input "${name}" has no shape in model.json`);
    inputs.push({ key, name, shape: shape.map((d) => (typeof d === 'number' && d > 0 ? d : null)) });
  };

  const expand = (className: string, config: unknown, scope: string[], given: string[] | undefined): string[] => {
    const prefix = scope.map((s) => `${s}/`).join('');
    if (className === 'Sequential') {
      const layers = (Array.isArray(config) ? config : asObject(config, 'Sequential config').layers) as Json[];
      if (!Array.isArray(layers)) throw new UnsupportedModelError('a Sequential model without "layers"');
      let current = given?.[0];
      for (const layer of layers) {
        const { class_name: kind, config: layerConfig, name } = describe(layer);
        if (current === undefined) {
          current = `${prefix}${kind === 'InputLayer' ? name : `${name}_input`}#0#0`;
          addInput(current, kind === 'InputLayer' ? name : `${name}_input`, inputConfigOf(layer));
        }
        if (kind === 'InputLayer') continue;
        if (CONTAINERS.has(kind)) current = expand(kind, layer.config, [...scope, `${name}@0`], [current])[0];
        else {
          const output = `${prefix}${name}#0#0`;
          calls.push({ className: kind, name, scope: scopeNames(scope), config: layerConfig, inputs: [current], output });
          current = output;
        }
      }
      if (current === undefined) throw new UnsupportedModelError('an empty Sequential model');
      return [current];
    }
    if (!CONTAINERS.has(className)) throw new UnsupportedModelError(`the top of model.json is a ${className}, not a model`);
    const body = asObject(config, `${className} config`);
    const layers = body.layers as Json[];
    if (!Array.isArray(layers)) throw new UnsupportedModelError(`a ${className} model without "layers"`);
    const inputRefs = tensorRefs(body.input_layers);
    if (given) inputRefs.forEach((ref, i) => given[i] !== undefined && aliases.set(prefix + ref, given[i]));
    for (const layer of layers) {
      const { class_name: kind, config: layerConfig, name } = describe(layer);
      if (kind === 'InputLayer') {
        if (!given) addInput(`${prefix}${name}#0#0`, name, layerConfig);
        continue;
      }
      const nodes = Array.isArray(layer.inbound_nodes) ? (layer.inbound_nodes as unknown[]) : [];
      nodes.forEach((node, index) => {
        const inKeys = tensorRefs(node).map((ref) => prefix + ref);
        const base = `${prefix}${name}#${index}`;
        if (CONTAINERS.has(kind)) {
          // A nested model's node 0 is the one it was built with (not saved): its calls are saved as
          // nodes 1, 2... and referred to so (TF.js and Keras alike); writers that count from 0 still resolve.
          expand(kind, layer.config, [...scope, `${name}@${index}`], inKeys).forEach((out, t) => {
            aliases.set(`${prefix}${name}#${index + 1}#${t}`, out);
            if (!aliases.has(`${base}#${t}`)) aliases.set(`${base}#${t}`, out);
          });
        } else {
          calls.push({ className: kind, name, scope: scopeNames(scope), config: layerConfig, inputs: inKeys, output: `${base}#0` });
        }
      });
    }
    return tensorRefs(body.output_layers).map((ref) => prefix + ref);
  };

  const className = String(model.class_name ?? '');
  const outputs = expand(className, model.config, [], undefined);
  if (inputs.length !== 1) throw new UnsupportedModelError(`the model has ${inputs.length} inputs; the gateway feeds one image tensor`);
  const outputKey = outputs[0];
  if (outputKey === undefined) throw new UnsupportedModelError('the model has no output');
  const outputName = resolve(outputKey).split('/').pop()!.split('#')[0];
  return { calls, input: inputs[0], output: { key: outputKey, name: outputName }, resolve };
}

/** The config that holds a Sequential's input shape: its first layer's, or inside it when that is a model (Teachable Machine). */
function inputConfigOf(layer: Json): Json {
  const { class_name: kind, config } = describe(layer);
  if (!CONTAINERS.has(kind)) return config;
  const inner = (Array.isArray(layer.config) ? layer.config : config.layers) as Json[] | undefined;
  const first = kind === 'Sequential' ? inner?.[0] : inner?.find((l) => l.class_name === 'InputLayer');
  return first ? inputConfigOf(first) : config;
}

const scopeNames = (scope: string[]) => scope.map((s) => s.split('@')[0]);

function describe(layer: Json): { class_name: string; config: Json; name: string } {
  const config = (typeof layer.config === 'object' && layer.config !== null ? layer.config : {}) as Json;
  const name = String(layer.name ?? config.name ?? '');
  if (!name || typeof layer.class_name !== 'string') throw new UnsupportedModelError('a layer without a name or class_name in model.json');
  return { class_name: layer.class_name, config, name };
}

/**
 * The tensors an inbound node, `input_layers` or `output_layers` names, as `layer#node#tensor` keys.
 * Keras 2: `[name, node, tensor, kwargs?]` entries (or one such entry); Keras 3: `__keras_tensor__`
 * objects with a `keras_history`, anywhere under `args`.
 */
function tensorRefs(value: unknown): string[] {
  const refs: string[] = [];
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) {
      if (typeof item[0] === 'string' && typeof item[1] === 'number') refs.push(`${item[0]}#${item[1]}#${typeof item[2] === 'number' ? item[2] : 0}`);
      else item.forEach(visit);
    } else if (typeof item === 'object' && item !== null) {
      const object = item as Json;
      if (object.class_name === '__keras_tensor__') visit((object.config as Json | undefined)?.keras_history);
      else if (object.args !== undefined) visit(object.args);
    }
  };
  visit(value);
  return refs;
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnsupportedModelError(`${what} is not an object in model.json`);
  return value as Json;
}
