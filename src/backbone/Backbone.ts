import type { LayersModel, SymbolicTensor, Tensor, layers } from '@tensorflow/tfjs';
import { fusedForward, type Forward } from '../models/fusedLayers';
import { dependsOn, parseFeatureLayers, poolMaps } from './featureLayers';
import type { Tf } from '../models/tfBackend';

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
   * What training caches when it fine-tunes the layers after `layer`: per image, the pooled features of
   * the feature spec's layers that do not depend on `layer` (they stay frozen), then `layer`'s raw output
   * (e.g. a 7x7 map), flattened. `shape` is one image's ([floats]), `encode` gives count × floats.
   */
  activationsAt(layer: string): { shape: number[]; encode(pixels: Uint8Array, count: number): Float32Array } {
    const tf = this.tf;
    const cut = this.full.getLayer(layer).output as SymbolicTensor;
    const frozen = frozenFeatureOutputs(tf, this.full, this.info.featureLayer, layer);
    const flat = cut.shape.length > 2 ? (tf.layers.flatten({ name: `${layer}_flat` }).apply(cut) as SymbolicTensor) : cut;
    const output = frozen.length > 0 ? (tf.layers.concatenate({ name: `${layer}_cached` }).apply([...frozen, flat]) as SymbolicTensor) : flat;
    const model = tf.model({ inputs: this.full.inputs, outputs: output });
    return { shape: [output.shape[1] as number], encode: (pixels, count) => this.run(model, pixels, count) };
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

/** Pooled outputs of the spec's layers that `cutLayer` does not feed, in spec order (as the features concatenate them). */
function frozenFeatureOutputs(tf: Tf, model: LayersModel, spec: string, cutLayer: string): SymbolicTensor[] {
  return parseFeatureLayers(spec)
    .filter(({ layer }) => !dependsOn(model, layer, cutLayer))
    .flatMap(({ layer, pools }) => {
      const output = model.getLayer(layer).output as SymbolicTensor;
      return output.shape.length === 4 ? poolMaps(tf, output, pools, (pool) => `${layer}_${pool}_frozen`) : [output];
    });
}
