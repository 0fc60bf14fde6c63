import type { BackboneSource } from '../backbone/Backbone';
import { BackboneThread } from '../backbone/BackboneThread';

/**
 * The frozen bottom of the backbone in several backbone threads (the wasm backend runs one thread per
 * backend), so that encoding the training images uses every core. Each request goes to the thread with
 * the fewest pending ones.
 */
export class EncoderPool {
  private constructor(private readonly workers: BackboneThread[]) {}

  /** `layer`: raw activations at that layer (fine-tuning); unset: the frozen features. */
  static async start(source: BackboneSource, layer: string | undefined, threads: number): Promise<EncoderPool> {
    const started = await Promise.allSettled(Array.from({ length: Math.max(1, threads) }, () => BackboneThread.start(source, layer ? { layer } : {})));
    const failure = started.find((result) => result.status === 'rejected');
    const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    if (failure) {
      await Promise.all(running.map((thread) => thread.close()));
      throw failure.reason;
    }
    return new EncoderPool(running);
  }

  get threads(): number {
    return this.workers.length;
  }

  encode(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const least = this.workers.reduce((best, thread) => (thread.pendingCalls < best.pendingCalls ? thread : best));
    return least.embed(pixels, count);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((thread) => thread.close()));
  }
}
