import { LoadedModel } from '../models/loadedModel';
import { initBackend } from '../models/tfBackend';
import type { LoadHints, ModelRuntime, ModelSession, ModelSource } from './types';

/**
 * TF.js in this thread (tfjs-node where it installs, else wasm, one thread): the fallback runtime for
 * model folders without an ONNX form. Inputs are NHWC, as TF.js models take them.
 */
export class TfjsRuntime implements ModelRuntime {
  readonly kind = 'TFJS_WASM' as const;

  async load(source: ModelSource, _hints?: LoadHints): Promise<ModelSession> {
    if (source.kind !== 'tfjs') throw new Error('TfjsRuntime loads TF.js model folders only');
    const { tf, backend } = await initBackend();
    return new TfjsSession(await LoadedModel.load(tf, source.dir), backend);
  }
}

class TfjsSession implements ModelSession {
  readonly runtime = 'TFJS_WASM' as const;
  readonly layout = 'NHWC' as const;

  constructor(
    private readonly model: LoadedModel,
    readonly backend: string,
  ) {}

  get inputSize(): number {
    return this.model.inputSize;
  }

  get outputs(): number | undefined {
    return this.model.outputs;
  }

  async predict(batch: Float32Array, count: number): Promise<Float32Array> {
    return this.model.rawOutputs(batch, count);
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
