import type { layers } from '@tensorflow/tfjs';
import type { Tf } from '../models/tfBackend';
import type { SplitData } from './embedDataset';

/** The smallest spread a feature is divided by: a feature (nearly) constant on TRAIN must not blow up elsewhere. */
const MIN_SCALE = 1e-2;

/**
 * Per-feature standardisation of the head's input (zero mean, unit variance on TRAIN). Features pooled
 * from several layers differ in scale by an order of magnitude, and a dense head learns them evenly only
 * once standardised. After training, the shift and scale are folded into the head's first dense layer,
 * so the saved model takes the raw features and needs no extra layer.
 */
export class Standardizer {
  private constructor(
    readonly mean: Float32Array,
    readonly scale: Float32Array,
  ) {}

  static fit(data: SplitData): Standardizer {
    const size = data.features.length / Math.max(1, data.count);
    const mean = new Float64Array(size);
    const square = new Float64Array(size);
    for (let row = 0; row < data.count; row++) {
      for (let i = 0; i < size; i++) {
        const value = data.features[row * size + i];
        mean[i] += value;
        square[i] += value * value;
      }
    }
    const scale = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      mean[i] /= Math.max(1, data.count);
      scale[i] = Math.max(MIN_SCALE, Math.sqrt(Math.max(0, square[i] / Math.max(1, data.count) - mean[i] * mean[i])));
    }
    return new Standardizer(Float32Array.from(mean), scale);
  }

  /** A copy of `data` with standardised features (mirror images included). */
  apply(data: SplitData): SplitData {
    const standardise = (values: Float32Array) => {
      const out = new Float32Array(values.length);
      const size = this.mean.length;
      for (let i = 0; i < values.length; i++) out[i] = (values[i] - this.mean[i % size]) / this.scale[i % size];
      return out;
    };
    return { ...data, features: standardise(data.features), mirrored: data.mirrored && standardise(data.mirrored) };
  }

  /** Rewrites a dense layer trained on standardised inputs to give the same outputs on raw ones. */
  foldInto(tf: Tf, dense: layers.Layer): void {
    const [kernel, bias] = dense.getWeights();
    if (!bias) throw new Error('the dense layer has no bias to fold the mean into');
    const [inputs, units] = kernel.shape;
    if (inputs !== this.mean.length) throw new Error(`the dense layer takes ${inputs} features, the standardiser ${this.mean.length}`);
    const weights = kernel.dataSync();
    const shift = Float32Array.from(bias.dataSync());
    const folded = new Float32Array(weights.length);
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < units; j++) {
        const w = weights[i * units + j] / this.scale[i];
        folded[i * units + j] = w;
        shift[j] -= this.mean[i] * w;
      }
    }
    const values = [tf.tensor2d(folded, [inputs, units]), tf.tensor1d(shift)];
    dense.setWeights(values); // copies into the layer's variables
    tf.dispose(values);
  }
}
