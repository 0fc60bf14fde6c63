import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { BackboneSource } from '../backbone/Backbone';
import { spawnWorker } from '../workers/spawnWorker';
import type { EncoderReply, EncoderThreadData } from './encoderThreadProtocol';

/**
 * The frozen bottom of the backbone in several worker threads (the wasm backend runs one thread per
 * backend), so that encoding the training images uses every core. Each request goes to the thread with
 * the fewest pending ones.
 */
export class EncoderPool {
  private readonly pending = new Map<number, { thread: number; resolve(values: Float32Array): void; reject(error: Error): void }>();
  private readonly load: number[];
  private nextId = 0;

  private constructor(private readonly workers: Worker[]) {
    this.load = workers.map(() => 0);
    workers.forEach((worker) => {
      worker.on('message', (reply: EncoderReply) => {
        if (reply.type !== 'ok' && reply.type !== 'failed') return;
        const entry = this.pending.get(reply.id);
        if (!entry) return;
        this.pending.delete(reply.id);
        this.load[entry.thread]--;
        if (reply.type === 'ok') entry.resolve(reply.values);
        else entry.reject(new Error(reply.message));
      });
      worker.on('exit', (code) => {
        for (const [id, entry] of this.pending) {
          if (this.workers[entry.thread] !== worker) continue;
          this.pending.delete(id);
          entry.reject(new Error(`an encoder thread stopped (exit code ${code})`));
        }
      });
    });
  }

  static async start(source: BackboneSource, layer: string | undefined, threads: number): Promise<EncoderPool> {
    const data: EncoderThreadData = { source, layer };
    const workers = Array.from({ length: Math.max(1, threads) }, () => spawnWorker(path.join(__dirname, 'encoderThreadMain'), data));
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.on('message', (reply: EncoderReply) => (reply.type === 'ready' ? resolve() : reply.type === 'fatal' ? reject(new Error(reply.message)) : undefined));
              worker.once('error', reject);
              worker.once('exit', (code) => reject(new Error(`an encoder thread exited during start (code ${code})`)));
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new EncoderPool(workers);
  }

  get threads(): number {
    return this.workers.length;
  }

  encode(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const thread = this.load.indexOf(Math.min(...this.load));
    const id = ++this.nextId;
    this.load[thread]++;
    const own = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { thread, resolve, reject });
      this.workers[thread].postMessage({ id, pixels: own, count }, [own.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
