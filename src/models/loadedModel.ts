import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs';
import { DEFAULT_INPUT_SIZE, ModelFolderError, ModelSpec, isGraphModel, readModelArtifacts, readModelSpec } from './modelFolder';
import { fusedForward, type Forward } from './fusedLayers';
import type { Tf } from './tfBackend';

/** A model loaded into this thread's TF.js backend, with the preprocessing its metadata describes. */
export class LoadedModel {
  private constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel | GraphModel,
    readonly spec: ModelSpec,
    readonly inputSize: number,
    /** The same network through fused kernels (layers models of plain CNN layers), else undefined: `predict`. */
    private readonly forward?: Forward,
  ) {}

  /** Whether predictions run through the fused kernels (see fusedLayers.ts). */
  get fused(): boolean {
    return this.forward !== undefined;
  }

  static async load(tf: Tf, dir: string): Promise<LoadedModel> {
    const [spec, artifacts] = await Promise.all([readModelSpec(dir), readModelArtifacts(dir)]);
    const handler = tf.io.fromMemory(artifacts);
    const model = isGraphModel(artifacts) ? await tf.loadGraphModel(handler) : await tf.loadLayersModel(handler);
    const inputShape = model.inputs[0]?.shape;
    const shapeSize = inputShape?.[1];
    const inputSize = spec.inputSize ?? (typeof shapeSize === 'number' && shapeSize > 0 ? shapeSize : DEFAULT_INPUT_SIZE);
    const outputs = model.outputs[0]?.shape?.at(-1);
    if (typeof outputs === 'number' && outputs > 0 && outputs - spec.labelOffset !== spec.labels.length) {
      model.dispose();
      throw new ModelFolderError(`the model has ${outputs} outputs but its metadata has ${spec.labels.length} labels (labelOffset ${spec.labelOffset})`);
    }
    const forward = isGraphModel(artifacts) ? undefined : fusedForward(tf, model as LayersModel);
    return new LoadedModel(tf, model, spec, inputSize, forward);
  }

  /**
   * Class probabilities for `count` RGB images of inputSize² pixels, packed one after the other in
   * `pixels` (0-255). Returns count × labels.length scores, row-major.
   */
  predict(pixels: Uint8Array, count: number): Float32Array {
    const size = this.inputSize;
    const [low, high] = this.spec.inputRange;
    const scale = (high - low) / 255;
    const input = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) input[i] = pixels[i] * scale + low;
    const classes = this.spec.labels.length;
    const mirror = this.spec.testTimeMirror === true;
    return this.tf.tidy(() => {
      let batch = this.tf.tensor4d(input, [count, size, size, 3]);
      // The mirror images ride in the same batch, after the originals.
      if (mirror) batch = this.tf.concat([batch, this.tf.reverse(batch, 2)]);
      const rows = mirror ? 2 * count : count;
      let output = (this.forward ? this.forward(batch) : this.model.predict(batch)) as Tensor | Tensor[];
      if (Array.isArray(output)) output = output[0];
      let scores = output.reshape([rows, -1]);
      if (this.spec.labelOffset > 0) scores = scores.slice([0, this.spec.labelOffset], [rows, classes]);
      if (this.spec.outputs === 'logits') scores = this.tf.softmax(scores);
      if (mirror)
        scores = scores
          .slice([0, 0], [count, -1])
          .add(scores.slice([count, 0], [count, -1]))
          .div(2);
      return scores.dataSync() as Float32Array;
    });
  }

  /**
   * The network's first output, unprocessed (no label offset, softmax or mirror), for `rows` images of
   * inputSize² × 3 normalised floats packed in `input` (which may be longer): rows × outputs values.
   */
  rawOutputs(input: Float32Array, rows: number): Float32Array {
    const size = this.inputSize;
    return this.tf.tidy(() => {
      const batch = this.tf.tensor4d(input.subarray(0, rows * size * size * 3), [rows, size, size, 3]);
      let output = (this.forward ? this.forward(batch) : this.model.predict(batch)) as Tensor | Tensor[];
      if (Array.isArray(output)) output = output[0];
      return output.reshape([rows, -1]).dataSync() as Float32Array;
    });
  }

  /** Output values per image, when the model's output shape says so. */
  get outputs(): number | undefined {
    const outputs = this.model.outputs[0]?.shape?.at(-1);
    return typeof outputs === 'number' && outputs > 0 ? outputs : undefined;
  }

  dispose(): void {
    this.model.dispose();
  }
}
