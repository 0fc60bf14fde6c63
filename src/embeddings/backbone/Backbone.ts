import type { LayersModel, SymbolicTensor, Tensor, layers } from '@tensorflow/tfjs';
import { fusedForward, type Forward } from '../../models/fusedLayers';
import type { Tf } from '../../models/tfBackend';

/** Where a backbone comes from: a TF.js layers model folder (the project's default-model/ unless told otherwise). */
export type BackboneSource = { kind: 'folder'; dir: string; featureLayer?: string };

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
  /** Each sub-model's network through fused kernels (twice as fast on wasm), or null where it cannot be. */
  private readonly fused = new Map<LayersModel, Forward | null>();

  constructor(
    private readonly tf: Tf,
    readonly info: BackboneInfo,
    /** The whole loaded model: training reads and fine-tunes its top layers in place. */
    readonly full: LayersModel,
    private readonly pooled: SymbolicTensor,
  ) {
    this.features = tf.model({ inputs: full.inputs, outputs: pooled });
  }

  /** Embeddings of `count` RGB images of inputSize² pixels packed in `pixels` (0-255): count × featureSize floats. */
  embed(pixels: Uint8Array, count: number): Float32Array {
    return this.run(this.features, pixels, count);
  }

  /**
   * The raw output of one layer (e.g. a 7x7 map that training caches before fine-tuning the layers
   * after it): `shape` is one image's, `encode` gives count × product(shape) floats.
   */
  activationsAt(layer: string): { shape: number[]; encode(pixels: Uint8Array, count: number): Float32Array } {
    const output = this.full.getLayer(layer).output as SymbolicTensor;
    const model = this.tf.model({ inputs: this.full.inputs, outputs: output });
    return { shape: output.shape.slice(1) as number[], encode: (pixels, count) => this.run(model, pixels, count) };
  }

  private run(model: LayersModel, pixels: Uint8Array, count: number): Float32Array {
    const size = this.info.inputSize;
    const [low, high] = this.info.inputRange;
    const scale = (high - low) / 255;
    const input = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) input[i] = pixels[i] * scale + low;
    if (!this.fused.has(model)) this.fused.set(model, fusedForward(this.tf, model) ?? null);
    const forward = this.fused.get(model);
    return this.tf.tidy(() => {
      const batch = this.tf.tensor4d(input, [count, size, size, 3]);
      const output = (forward ? forward(batch) : model.predict(batch)) as Tensor;
      return output.dataSync() as Float32Array;
    });
  }

  /** The symbolic output of the feature layer (pooled): where a head is attached. */
  get featureOutput(): SymbolicTensor {
    return this.pooled;
  }

  /** The backbone from its input through the feature layer, then `head` applied in order. */
  classifierWith(head: layers.Layer[], name = 'classifier'): LayersModel {
    const output = head.reduce((tensor, layer) => layer.apply(tensor) as SymbolicTensor, this.pooled);
    return this.tf.model({ inputs: this.full.inputs, outputs: output, name });
  }

  dispose(): void {
    this.full.dispose();
  }
}
