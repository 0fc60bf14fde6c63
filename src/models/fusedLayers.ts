import type { LayersModel, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from './tfBackend';

/**
 * The layers model's network run through TF.js's fused kernels (convolution + bias + activation in one
 * op, as a graph model from tensorflowjs_converter runs it). tfjs-layers fuses only relu/elu/linear
 * Conv2D and never DepthwiseConv2D, so on the wasm backend MobileNet V2 (relu6 everywhere) takes about
 * twice the CPU through `model.predict` (`npm run bench:fused-ops`). Only plain feed-forward CNN layers
 * are handled; anything else (or a result that differs from `predict`) keeps `predict`.
 */
export type Forward = (input: Tensor4D) => Tensor;

type Step = (inputs: Tensor[]) => Tensor;
const FUSABLE = new Set(['linear', 'relu', 'relu6']);

export function fusedForward(tf: Tf, model: LayersModel): Forward | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return undefined;
  const steps: { name: string; inputs: string[]; run: Step }[] = [];
  const inputName = model.inputLayers[0]?.name;
  for (const layer of model.layers) {
    const type = layer.getClassName();
    if (type === 'InputLayer') continue;
    const config = layer.getConfig() as Record<string, unknown>;
    const inbound = layer.inboundNodes;
    if (inbound.length !== 1) return undefined; // shared layers
    const inputs = inbound[0].inboundLayers.map((l) => l.name);
    const activation = (config.activation as string | undefined) ?? 'linear';
    if (config.dataFormat !== undefined && config.dataFormat !== 'channelsLast') return undefined;
    const weights = layer.getWeights();
    const bias = config.useBias === false ? undefined : weights[1];
    let run: Step;
    switch (type) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const dilation = (config.dilationRate as number[] | number | undefined) ?? 1;
        if (!FUSABLE.has(activation) || [dilation].flat().some((d) => d !== 1)) return undefined;
        const strides = config.strides as [number, number];
        const pad = config.padding as 'same' | 'valid';
        const filter = weights[0] as Tensor4D;
        const act = activation as 'linear' | 'relu' | 'relu6';
        run =
          type === 'Conv2D'
            ? ([x]) => tf.fused.conv2d({ x: x as Tensor4D, filter, strides, pad, bias, activation: act })
            : ([x]) => tf.fused.depthwiseConv2d({ x: x as Tensor4D, filter, strides, pad, bias, activation: act });
        break;
      }
      case 'Dense': {
        if (!FUSABLE.has(activation) && activation !== 'softmax') return undefined;
        const kernel = weights[0] as Tensor2D;
        const fused = activation === 'softmax' ? 'linear' : (activation as 'linear' | 'relu' | 'relu6');
        run = ([x]) => {
          const y = tf.fused.matMul({ a: x as Tensor2D, b: kernel, bias, activation: fused });
          return activation === 'softmax' ? tf.softmax(y) : y;
        };
        break;
      }
      case 'Add':
        run = (xs) => tf.addN(xs);
        break;
      case 'GlobalAveragePooling2D':
        run = ([x]) => tf.mean(x, [1, 2]);
        break;
      case 'GlobalMaxPooling2D':
        run = ([x]) => tf.max(x, [1, 2]);
        break;
      case 'Flatten':
        run = ([x]) => tf.reshape(x, [x.shape[0], -1]);
        break;
      case 'Concatenate': {
        const axis = typeof config.axis === 'number' ? config.axis : -1;
        run = (xs) => tf.concat(xs, axis);
        break;
      }
      case 'Softmax': {
        const axis = typeof config.axis === 'number' ? config.axis : -1;
        run = ([x]) => tf.softmax(x, axis);
        break;
      }
      default:
        return undefined;
    }
    steps.push({ name: layer.name, inputs, run });
  }
  const outputName = model.outputLayers[0]?.name;
  if (!inputName || !outputName || steps.at(-1)?.name !== outputName) return undefined;
  const forward: Forward = (input) => {
    const values = new Map<string, Tensor>([[inputName, input]]);
    for (const step of steps) {
      const inputs = step.inputs.map((name) => values.get(name));
      if (inputs.some((x) => x === undefined)) throw new Error(`layer ${step.name} runs before its inputs`);
      values.set(step.name, step.run(inputs as Tensor[]));
    }
    return values.get(outputName)!;
  };
  return agrees(tf, model, forward) ? forward : undefined;
}

/** The fused network must give what `predict` gives on a sample input before it replaces it. */
function agrees(tf: Tf, model: LayersModel, forward: Forward): boolean {
  const shape = model.inputs[0].shape.map((d, i) => (i === 0 ? 1 : (d ?? 32))) as [number, number, number, number];
  try {
    return tf.tidy(() => {
      const x = tf.randomUniform(shape, -1, 1, 'float32', 7) as Tensor4D;
      const expected = (model.predict(x) as Tensor).dataSync();
      const actual = forward(x).dataSync();
      if (expected.length !== actual.length) return false;
      let scale = 1e-6;
      for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
      for (let i = 0; i < expected.length; i++) if (Math.abs(expected[i] - actual[i]) > 1e-4 * scale) return false;
      return true;
    });
  } catch {
    return false;
  }
}
