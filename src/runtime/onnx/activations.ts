import { storedAxis, unsupported, type LayerContext, type LayerConverter, type Value } from './tensorLayout';

/**
 * A Keras / TF.js activation applied to `value` (channel axis mapped to the stored layout for softmax).
 * Names are read in Keras' snake case and TF.js' camel case. `hard_sigmoid` is TF.js' (and Keras 2's)
 * clip(0.2 x + 0.5, 0, 1): the runtime the converted model replaces.
 */
export function activate(context: LayerContext, value: Value, activation: unknown, axis = -1): Value {
  const graph = context.graph;
  const base = context.call.name;
  const unary = (op: string, attributes: Record<string, number> = {}): Value => ({ ...value, name: graph.node(op, [value.name], attributes, `${base}_${op.toLowerCase()}`) });
  const name = activation === undefined || activation === null ? 'linear' : activation;
  if (typeof name !== 'string') throw unsupported(context, `activation ${JSON.stringify(activation)}`);
  switch (name.toLowerCase().replace(/_/g, '')) {
    case 'linear':
      return value;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return clip(context, value, 0, 6);
    case 'sigmoid':
      return unary('Sigmoid');
    case 'hardsigmoid':
      return unary('HardSigmoid', { alpha: 0.2, beta: 0.5 });
    case 'hardswish':
    case 'hardsilu':
      return unary('HardSwish');
    case 'softmax':
      return unary('Softmax', { axis: storedAxis(value, axis) });
    case 'tanh':
      return unary('Tanh');
    case 'elu':
      return unary('Elu', { alpha: 1 });
    case 'selu':
      return unary('Selu');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'swish':
    case 'silu':
      return { ...value, name: graph.node('Mul', [value.name, unary('Sigmoid').name], {}, `${base}_swish`) };
    case 'gelu': {
      // TF.js' exact form: 0.5 x (1 + erf(x / √2)).
      const erf = graph.node('Erf', [graph.node('Mul', [value.name, graph.scalar(Math.SQRT1_2)], {}, `${base}_scaled`)], {}, `${base}_erf`);
      const half = graph.node('Mul', [graph.node('Add', [erf, graph.scalar(1)], {}, `${base}_plus1`), graph.scalar(0.5)], {}, `${base}_half`);
      return { ...value, name: graph.node('Mul', [value.name, half], {}, `${base}_gelu`) };
    }
    case 'mish': {
      const tanh = graph.node('Tanh', [unary('Softplus').name], {}, `${base}_tanh`);
      return { ...value, name: graph.node('Mul', [value.name, tanh], {}, `${base}_mish`) };
    }
    default:
      throw unsupported(context, `activation "${name}"`);
  }
}

function clip(context: LayerContext, value: Value, min: number, max: number): Value {
  const graph = context.graph;
  return { ...value, name: graph.node('Clip', [value.name, graph.scalar(min), graph.scalar(max)], {}, `${context.call.name}_clip`) };
}

const numberOr = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** The layer classes that only apply an activation. */
export const ACTIVATION_LAYERS: Record<string, LayerConverter> = {
  Activation: (context, [x]) => activate(context, x, context.config.activation),
  ReLU: (context, [x]) => {
    const { max_value: max, negative_slope: slope, threshold } = context.config;
    if (numberOr(threshold, 0) !== 0) throw unsupported(context, `threshold ${String(threshold)}`);
    const leaky = numberOr(slope, 0);
    if (leaky !== 0 && typeof max === 'number') throw unsupported(context, 'negative_slope together with max_value');
    if (leaky !== 0) return { ...x, name: context.graph.node('LeakyRelu', [x.name], { alpha: leaky }, `${context.call.name}_leaky`) };
    return typeof max === 'number' ? clip(context, x, 0, max) : activate(context, x, 'relu');
  },
  LeakyReLU: (context, [x]) => {
    const alpha = numberOr(context.config.alpha ?? context.config.negative_slope, 0.3);
    return { ...x, name: context.graph.node('LeakyRelu', [x.name], { alpha }, `${context.call.name}_leaky`) };
  },
  ELU: (context, [x]) => ({ ...x, name: context.graph.node('Elu', [x.name], { alpha: numberOr(context.config.alpha, 1) }, `${context.call.name}_elu`) }),
  ThresholdedReLU: (context, [x]) => ({
    ...x,
    name: context.graph.node('ThresholdedRelu', [x.name], { alpha: numberOr(context.config.theta, 1) }, `${context.call.name}_thresholded`),
  }),
  Softmax: (context, [x]) => {
    const axis = Array.isArray(context.config.axis) ? context.config.axis : [context.config.axis ?? -1];
    if (axis.length !== 1 || typeof axis[0] !== 'number') throw unsupported(context, `softmax over axes ${JSON.stringify(context.config.axis)}`);
    return activate(context, x, 'softmax', axis[0]);
  },
};
