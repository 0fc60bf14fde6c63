import type { LayersModel, Tensor, Tensor2D, Variable, layers } from '@tensorflow/tfjs';
import { dependsOn, parseFeatureLayers } from '../backbone/featureLayers';
import type { Tf } from '../models/tfBackend';

/**
 * The top of a backbone, from the output of a "cut" layer to its feature layer, re-expressed with ops
 * whose gradients every TF.js backend has: a 1x1 convolution is a matrix product and a depthwise
 * convolution a sum of shifted slices. The wasm backend has no Conv2DBackpropFilter /
 * DepthwiseConv2dNativeBackprop* kernels, and the cpu backend's convolutions are 30x slower than
 * this on 7x7 maps, so this is what makes fine-tuning the top blocks affordable.
 *
 * The variables start as copies of the layers' weights; `writeBack` puts the trained values into the
 * same layer objects, so the backbone model (and a classifier built on it) carries them when saved.
 */
export class TrainableTop {
  private constructor(
    private readonly tf: Tf,
    private readonly steps: Step[],
    readonly cutLayer: string,
    /** The trained layer whose output ends the top (the last layer of the feature spec). */
    readonly featureLayer: string,
    /** How that output is pooled when it is a map. */
    private readonly pools: Array<'avg' | 'max'>,
    /** Floats per image before the maps in the cached input: the frozen features (see Backbone.activationsAt). */
    private readonly frozenSize: number,
    /** Shape of one cached activation map at the cut, e.g. [7, 7, 160]. */
    private readonly mapShape: number[],
  ) {}

  /** Shape of one cached input: [frozen features + the flattened map at the cut]. */
  get inputShape(): number[] {
    return [this.frozenSize + this.mapShape.reduce((a, b) => a * b, 1)];
  }

  /**
   * The layers after `cutLayer` up to the last layer of the feature spec `features` (`layer[:pooling]`
   * list; its earlier layers must not depend on the cut: they stay frozen); throws with the reason when
   * one of them is of a kind this cannot train (then choose a later cut).
   */
  static between(tf: Tf, model: LayersModel, cutLayer: string, features: string): TrainableTop {
    const cut = layerNamed(model, cutLayer);
    const shape = (cut.outputShape as Array<number | null>).slice(1);
    if (shape.length !== 3 || shape.some((d) => typeof d !== 'number')) {
      throw new Error(`layer "${cutLayer}" gives shape [${shape.join(', ')}]; fine-tuning starts after a convolutional feature map`);
    }
    const parts = parseFeatureLayers(features);
    const last = parts[parts.length - 1];
    let frozenSize = 0;
    for (const part of parts.slice(0, -1)) {
      layerNamed(model, part.layer);
      if (dependsOn(model, part.layer, cutLayer)) throw new Error(`only the last feature layer may come after the cut "${cutLayer}"; "${part.layer}" does too`);
      const partShape = layerNamed(model, part.layer).outputShape as number[];
      frozenSize += (partShape.at(-1) ?? 0) * (partShape.length === 4 ? (part.pools ?? ['avg']).length : 1);
    }
    const ordered = layersBetween(model, cutLayer, last.layer);
    const steps = ordered.map((layer) => stepOf(tf, layer));
    return new TrainableTop(tf, steps, cutLayer, last.layer, last.pools ?? ['avg'], frozenSize, shape as number[]);
  }

  get variables(): Variable[] {
    return this.steps.flatMap((step) => step.variables);
  }

  /** The features (N × size) of N cached inputs (N × inputShape). Records gradients when called inside one. */
  forward(input: Tensor): Tensor2D {
    const tf = this.tf;
    const n = input.shape[0];
    const flat = input.reshape([n, -1]);
    const maps = (this.frozenSize > 0 ? flat.slice([0, this.frozenSize], [n, -1]) : flat).reshape([n, ...this.mapShape]);
    const values = new Map<string, Tensor>([[this.cutLayer, maps]]);
    let last: Tensor = maps;
    for (const step of this.steps) {
      last = step.apply(step.inputs.map((name) => values.get(name)!));
      values.set(step.name, last);
    }
    const pooled = last.rank === 4 ? this.pools.map((pool) => (pool === 'max' ? tf.max(last, [1, 2]) : tf.mean(last, [1, 2]))) : [last];
    const parts = this.frozenSize > 0 ? [flat.slice([0, 0], [n, this.frozenSize]), ...pooled] : pooled;
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as Tensor2D;
  }

  /** Copies the trained values into the backbone's layers. */
  writeBack(): void {
    for (const step of this.steps) step.writeBack();
  }

  dispose(): void {
    this.tf.dispose(this.variables);
  }
}

interface Step {
  name: string;
  inputs: string[];
  variables: Variable[];
  apply(inputs: Tensor[]): Tensor;
  writeBack(): void;
}

function layerNamed(model: LayersModel, name: string): layers.Layer {
  try {
    return model.getLayer(name);
  } catch {
    throw new Error(`the backbone has no layer "${name}"`);
  }
}

const inboundNames = (layer: layers.Layer): string[] => (layer.inboundNodes[0]?.inboundLayers ?? []).map((l) => l.name);

/** The layers that lie on a path from `cutLayer` to `featureLayer`, in an order where inputs come first. */
function layersBetween(model: LayersModel, cutLayer: string, featureLayer: string): layers.Layer[] {
  const ordered: layers.Layer[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const reachesCut = new Map<string, boolean>();
  const visit = (layer: layers.Layer): boolean => {
    if (layer.name === cutLayer) return true;
    if (state.get(layer.name) === 'done') return reachesCut.get(layer.name)!;
    state.set(layer.name, 'visiting');
    const inputs = layer.inboundNodes[0]?.inboundLayers ?? [];
    const reaches = inputs.map(visit);
    const ok = inputs.length > 0 && reaches.every(Boolean);
    if (reaches.some(Boolean) && !ok) {
      throw new Error(`layer "${layer.name}" also takes inputs from before "${cutLayer}": cut at a layer that every path goes through`);
    }
    state.set(layer.name, 'done');
    reachesCut.set(layer.name, ok);
    if (ok) ordered.push(layer);
    return ok;
  };
  if (cutLayer === featureLayer) return [];
  if (!visit(layerNamed(model, featureLayer))) throw new Error(`layer "${featureLayer}" does not come after "${cutLayer}"`);
  return ordered;
}

function activationOf(tf: Tf, name: string | undefined, layer: string): (x: Tensor) => Tensor {
  switch (name ?? 'linear') {
    case 'linear':
      return (x) => x;
    case 'relu':
      return (x) => tf.relu(x);
    case 'relu6':
      // clipByValue's gradient is the same mask as relu6's and exists on every backend.
      return (x) => tf.clipByValue(x, 0, 6);
    default:
      throw new Error(`layer "${layer}" has activation "${name}", which fine-tuning does not support`);
  }
}

function stepOf(tf: Tf, layer: layers.Layer): Step {
  const config = layer.getConfig() as Record<string, unknown>;
  const kind = layer.getClassName();
  const name = layer.name;
  const inputs = inboundNames(layer);
  const unsupported = (why: string) => new Error(`cannot fine-tune layer "${name}" (${kind}${why ? `, ${why}` : ''}): cut the backbone after it`);
  const same = (value: unknown, expected: number[]) => JSON.stringify(value) === JSON.stringify(expected);
  switch (kind) {
    case 'Conv2D': {
      if (!same(config.kernelSize, [1, 1]) || !same(config.strides, [1, 1]) || !same(config.dilationRate, [1, 1])) throw unsupported('only 1x1 stride-1 convolutions');
      const activation = activationOf(tf, config.activation as string, name);
      const [kernel, bias] = layer.getWeights();
      const [, , channelsIn, channelsOut] = kernel.shape;
      const w = tf.tidy(() => tf.variable(kernel.reshape([channelsIn, channelsOut])));
      const b = bias ? tf.tidy(() => tf.variable(bias.clone())) : undefined;
      return {
        name,
        inputs,
        variables: b ? [w, b] : [w],
        apply: ([x]) => {
          const [n, height, width] = x.shape;
          let y = tf.matMul(x.reshape([-1, channelsIn]), w) as Tensor;
          if (b) y = tf.add(y, b);
          return activation(y).reshape([n, height, width, channelsOut]);
        },
        writeBack: () => tf.tidy(() => layer.setWeights(b ? [w.reshape(kernel.shape), b] : [w.reshape(kernel.shape)])),
      };
    }
    case 'DepthwiseConv2D': {
      const size = config.kernelSize as number[];
      if (
        !same(config.strides, [1, 1]) ||
        !same(config.dilationRate, [1, 1]) ||
        config.padding !== 'same' ||
        (config.depthMultiplier ?? 1) !== 1 ||
        size[0] % 2 === 0 ||
        size[1] % 2 === 0
      ) {
        throw unsupported('only stride-1 "same" depthwise convolutions with an odd kernel');
      }
      const activation = activationOf(tf, config.activation as string, name);
      const [kernel, bias] = layer.getWeights();
      const [kh, kw, channels] = kernel.shape;
      const w = tf.tidy(() => tf.variable(kernel.reshape([kh * kw, channels])));
      const b = bias ? tf.tidy(() => tf.variable(bias.clone())) : undefined;
      const [ph, pw] = [(kh - 1) / 2, (kw - 1) / 2];
      return {
        name,
        inputs,
        variables: b ? [w, b] : [w],
        apply: ([x]) => {
          const [n, height, width] = x.shape as number[];
          const padded = tf.pad(x, [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ]);
          let sum: Tensor | undefined;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const tap = tf.mul(tf.slice(padded, [0, i, j, 0], [n, height, width, channels]), tf.slice(w, [i * kw + j, 0], [1, channels]).reshape([channels]));
              sum = sum ? tf.add(sum, tap) : tap;
            }
          }
          return activation(b ? tf.add(sum!, b) : sum!);
        },
        writeBack: () => tf.tidy(() => layer.setWeights(b ? [w.reshape(kernel.shape), b] : [w.reshape(kernel.shape)])),
      };
    }
    case 'Add':
      return { name, inputs, variables: [], apply: (xs) => tf.addN(xs), writeBack: () => undefined };
    case 'ReLU':
    case 'Activation': {
      const activation =
        kind === 'ReLU'
          ? activationOf(tf, config.maxValue === 6 ? 'relu6' : config.maxValue == null ? 'relu' : 'unsupported', name)
          : activationOf(tf, config.activation as string, name);
      return { name, inputs, variables: [], apply: ([x]) => activation(x), writeBack: () => undefined };
    }
    case 'GlobalAveragePooling2D':
      return { name, inputs, variables: [], apply: ([x]) => tf.mean(x, [1, 2]), writeBack: () => undefined };
    default:
      throw unsupported('');
  }
}
