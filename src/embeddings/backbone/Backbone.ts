import type { LayersModel, SymbolicTensor, Tensor, layers } from '@tensorflow/tfjs';
import type { Tf } from '../../models/tfBackend';

/** Where a backbone comes from: the MobileNetV2 shipped by nsfwjs, or any TF.js layers model folder. */
export type BackboneSource = { kind: 'nsfwjs'; featureLayer?: string } | { kind: 'folder'; dir: string; featureLayer?: string };

export interface BackboneInfo {
  /** Identity of the weights and the feature layer: keys the embedding cache, recorded in Parquet files. */
  id: string;
  source: BackboneSource;
  featureLayer: string;
  featureSize: number;
  inputSize: number;
  /** Pixel values 0..255 are mapped linearly onto this range. */
  inputRange: [number, number];
}

/**
 * A frozen image model cut at a pooled feature layer: images in, one embedding per image out.
 * `classifierWith` grafts a trained head onto the same graph, giving one model that takes an image.
 */
export class Backbone {
  readonly features: LayersModel;

  constructor(
    private readonly tf: Tf,
    readonly info: BackboneInfo,
    private readonly full: LayersModel,
    private readonly featureOutput: SymbolicTensor,
  ) {
    this.features = tf.model({ inputs: full.inputs, outputs: featureOutput });
  }

  /** Embeddings of `count` RGB images of inputSize² pixels packed in `pixels` (0-255): count × featureSize floats. */
  embed(pixels: Uint8Array, count: number): Float32Array {
    const size = this.info.inputSize;
    const [low, high] = this.info.inputRange;
    const scale = (high - low) / 255;
    const input = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) input[i] = pixels[i] * scale + low;
    return this.tf.tidy(() => {
      const output = this.features.predict(this.tf.tensor4d(input, [count, size, size, 3])) as Tensor;
      return output.dataSync() as Float32Array;
    });
  }

  /** The backbone from its input through the feature layer, then `head` applied in order. */
  classifierWith(head: layers.Layer[], name = 'classifier'): LayersModel {
    const output = head.reduce((tensor, layer) => layer.apply(tensor) as SymbolicTensor, this.featureOutput);
    return this.tf.model({ inputs: this.full.inputs, outputs: output, name });
  }

  dispose(): void {
    this.full.dispose();
  }
}
