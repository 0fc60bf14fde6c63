import { readModelSpec, ModelFolderError, type ModelSpec } from '../models/modelFolder';
import { OnnxRuntime } from './onnxRuntime';
import { normaliseInto, scoresFrom } from './tensors';
import { TfjsRuntime } from './tfjsRuntime';
import type { ModelPlan, ModelSession, RuntimeKind } from './types';

export interface ServedModelOptions {
  onnxThreads: number;
  /** Most images per predict call: the input tensor is allocated once at this size. */
  maxBatch: number;
}

/**
 * One model as an inference worker serves it: a session in the runtime its plan names, its
 * preprocessing, and one input tensor allocated once and reused by every batch (pixels are normalised
 * straight into it, in the model's layout).
 */
export class ServedModel {
  private input: Float32Array;

  private constructor(
    readonly spec: ModelSpec,
    readonly session: ModelSession,
    /** Why this model runs on TF.js although ONNX Runtime was wanted; undefined on ONNX Runtime. */
    readonly fallbackReason: string | undefined,
    maxBatch: number,
  ) {
    this.input = new Float32Array(this.imageValues * maxBatch * (spec.testTimeMirror ? 2 : 1));
  }

  get runtime(): RuntimeKind {
    return this.session.runtime;
  }

  get inputSize(): number {
    return this.session.inputSize;
  }

  private get imageValues(): number {
    return this.session.inputSize * this.session.inputSize * 3;
  }

  static async load(plan: ModelPlan, options: ServedModelOptions): Promise<ServedModel> {
    const spec = await readModelSpec(plan.dir);
    let session: ModelSession;
    let fallbackReason = plan.fallbackReason;
    if (plan.onnx) {
      try {
        session = await new OnnxRuntime({ intraOpThreads: options.onnxThreads }).load({ kind: 'onnx', onnx: plan.onnx }, { inputSize: spec.inputSize });
      } catch (error) {
        if (!plan.tfjsFallback) throw error;
        fallbackReason = `ONNX Runtime could not load the converted model: ${(error as Error).message}`;
        session = await new TfjsRuntime().load({ kind: 'tfjs', dir: plan.dir });
      }
    } else {
      session = await new TfjsRuntime().load({ kind: 'tfjs', dir: plan.dir }, { inputSize: spec.inputSize });
    }
    const outputs = session.outputs;
    if (outputs !== undefined && outputs - spec.labelOffset !== spec.labels.length) {
      await session.dispose();
      throw new ModelFolderError(`the model has ${outputs} outputs but its labels number ${spec.labels.length} (labelOffset ${spec.labelOffset})`);
    }
    return new ServedModel(spec, session, session.runtime === 'ONNX' ? undefined : fallbackReason, options.maxBatch);
  }

  /**
   * Class probabilities for `count` RGB images of inputSize² pixels packed in `pixels` (0-255):
   * count × labels values, row-major.
   */
  async predict(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const size = this.session.inputSize;
    if (pixels.length !== count * this.imageValues) throw new Error(`expected ${count} images of ${size}x${size} RGB pixels`);
    const mirror = this.spec.testTimeMirror === true;
    const rows = mirror ? 2 * count : count;
    if (this.input.length < rows * this.imageValues) this.input = new Float32Array(rows * this.imageValues);
    normaliseInto(this.input, pixels, count, size, this.spec.inputRange, this.session.layout, mirror);
    const raw = await this.session.predict(this.input, rows);
    return scoresFrom(raw, rows, { labelOffset: this.spec.labelOffset, classes: this.spec.labels.length, outputs: this.spec.outputs }, mirror);
  }

  dispose(): Promise<void> {
    return this.session.dispose();
  }
}
