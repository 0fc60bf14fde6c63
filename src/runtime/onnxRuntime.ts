import * as ort from 'onnxruntime-node';
import { ModelFolderError } from '../models/modelFolder';
import type { InputLayout, LoadHints, ModelRuntime, ModelSession, ModelSource } from './types';

export interface OnnxRuntimeOptions {
  /** Threads one session may use within an operator (ONNX Runtime's intra-op pool); 1 when each worker thread holds its own session. */
  intraOpThreads: number;
}

const DEFAULT_INPUT_SIZE = 224;

/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider, every graph optimisation on). The model's
 * first input must be a float32 image batch, [N, H, W, 3] or [N, 3, H, W] (read from the model); its first
 * output gives the scores.
 */
export class OnnxRuntime implements ModelRuntime {
  readonly kind = 'ONNX' as const;

  constructor(private readonly options: OnnxRuntimeOptions) {}

  async load(source: ModelSource, hints: LoadHints = {}): Promise<ModelSession> {
    if (source.kind !== 'onnx') throw new Error('OnnxRuntime loads ONNX models only');
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      intraOpNumThreads: this.options.intraOpThreads,
      interOpNumThreads: 1,
      // With several intra-op threads, ONNX Runtime's pool spins between operators by default: on a busy
      // machine (or beside the decode threads) that burns the CPU the other threads need.
      ...(this.options.intraOpThreads > 1 ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    };
    const session =
      source.onnx.kind === 'file' ? await ort.InferenceSession.create(source.onnx.path, sessionOptions) : await ort.InferenceSession.create(source.onnx.bytes, sessionOptions);
    try {
      return OnnxSession.describe(session, hints);
    } catch (error) {
      await session.release();
      throw error;
    }
  }
}

class OnnxSession implements ModelSession {
  readonly runtime = 'ONNX' as const;
  readonly backend = 'onnxruntime-cpu';

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    readonly inputSize: number,
    readonly layout: InputLayout,
    /** The model takes one image per run (a fixed batch dimension of 1). */
    private readonly singleImage: boolean,
    readonly outputs: number | undefined,
  ) {}

  static describe(session: ort.InferenceSession, hints: LoadHints): OnnxSession {
    const input = session.inputMetadata[0];
    if (!input || !input.isTensor) throw new ModelFolderError('model.onnx has no tensor input');
    if (input.type !== 'float32') throw new ModelFolderError(`model.onnx input "${input.name}" is ${input.type}; float32 images are expected`);
    const shape = input.shape;
    if (shape.length !== 4) throw new ModelFolderError(`model.onnx input "${input.name}" has shape [${shape.join(', ')}]; [N, H, W, 3] or [N, 3, H, W] is expected`);
    let layout: InputLayout;
    if (shape[3] === 3) layout = 'NHWC';
    else if (shape[1] === 3) layout = 'NCHW';
    else throw new ModelFolderError(`model.onnx input "${input.name}" has shape [${shape.join(', ')}]: no 3-channel axis (expected [N, H, W, 3] or [N, 3, H, W])`);
    const [height, width] = layout === 'NHWC' ? [shape[1], shape[2]] : [shape[2], shape[3]];
    const fixed = [height, width].filter((dim): dim is number => typeof dim === 'number' && dim > 0);
    if (fixed.length === 2 && fixed[0] !== fixed[1]) throw new ModelFolderError(`model.onnx input is ${fixed[0]}x${fixed[1]}; square inputs only`);
    const inputSize = fixed[0] ?? hints.inputSize ?? DEFAULT_INPUT_SIZE;
    if (hints.inputSize !== undefined && fixed.length > 0 && hints.inputSize !== inputSize) {
      throw new ModelFolderError(`metadata.json says inputSize ${hints.inputSize} but model.onnx takes ${inputSize}x${inputSize}`);
    }
    const output = session.outputMetadata[0];
    const last = output?.isTensor ? output.shape.at(-1) : undefined;
    const outputs = typeof last === 'number' && last > 0 ? last : undefined;
    return new OnnxSession(session, input.name, inputSize, layout, shape[0] === 1, outputs);
  }

  async predict(batch: Float32Array, count: number): Promise<Float32Array> {
    const perImage = this.inputSize * this.inputSize * 3;
    if (!this.singleImage || count === 1) return this.runBatch(batch, 0, count);
    const parts: Float32Array[] = [];
    for (let i = 0; i < count; i++) parts.push(await this.runBatch(batch, i * perImage, 1));
    const result = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) result.set(part, (offset += part.length) - part.length);
    return result;
  }

  private async runBatch(batch: Float32Array, start: number, count: number): Promise<Float32Array> {
    const size = this.inputSize;
    const dims = this.layout === 'NHWC' ? [count, size, size, 3] : [count, 3, size, size];
    const data = batch.subarray(start, start + count * size * size * 3);
    const tensor = new ort.Tensor('float32', data, dims);
    const results = await this.session.run({ [this.inputName]: tensor });
    const output = results[this.session.outputNames[0]];
    try {
      if (output.type !== 'float32') throw new Error(`model.onnx output is ${output.type}; float32 scores are expected`);
      return new Float32Array(output.data as Float32Array);
    } finally {
      for (const value of Object.values(results)) value.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
