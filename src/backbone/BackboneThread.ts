import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RuntimeKind } from '../runtime/types';
import type { BackboneInfo, BackboneSource } from './Backbone';
import type { BackboneReply, BackboneRequest, BackboneThreadData } from './backbone.protocol';
import { spawnWorker } from '../workers/spawnWorker';

type Request = BackboneRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * A backbone in its own worker thread, so that embedding (tens of milliseconds per image on the wasm
 * backend) never blocks the event loop. Requests are answered in order.
 */
export class BackboneThread {
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();
  private nextId = 0;
  private exited?: Error;

  private constructor(
    private readonly worker: Worker,
    readonly info: BackboneInfo,
    readonly backend: string,
    /** The runtime its feature pass runs on, and why not ONNX Runtime when it is TF.js. */
    readonly runtime: RuntimeKind = 'TFJS_WASM',
    readonly fallbackReason?: string,
  ) {
    worker.on('message', (reply: BackboneReply) => {
      if (reply.type !== 'ok' && reply.type !== 'failed') return;
      const pending = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.type === 'ok') pending?.resolve(reply.result);
      else pending?.reject(new Error(reply.message));
    });
    worker.on('exit', (code) => {
      this.exited = new Error(`the backbone thread stopped (exit code ${code})`);
      for (const pending of this.pending.values()) pending.reject(this.exited);
      this.pending.clear();
    });
  }

  /** Starts a thread and loads the backbone; rejects if it cannot be loaded. */
  static start(source: BackboneSource, options: Omit<BackboneThreadData, 'source'> = {}): Promise<BackboneThread> {
    const data: BackboneThreadData = { source, ...options };
    const worker = spawnWorker(path.join(__dirname, 'backbone.worker'), data);
    return new Promise((resolve, reject) => {
      let started = false;
      worker.on('message', (reply: BackboneReply) => {
        if (reply.type === 'ready') {
          started = true;
          resolve(new BackboneThread(worker, reply.info, reply.backend, reply.runtime, reply.fallbackReason));
        } else if (reply.type === 'fatal') {
          reject(new Error(`the backbone could not be loaded: ${reply.message}`));
          void worker.terminate();
        }
      });
      worker.once('error', (error) => started || reject(error));
      worker.once('exit', (code) => started || reject(new Error(`the backbone thread exited during start (code ${code})`)));
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** count × featureSize floats for `count` images of inputSize² RGB pixels. */
  embed(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const own = standalone(pixels);
    return this.request({ type: 'embed', pixels: own, count }, [own.buffer as ArrayBuffer]);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request<T>(message: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }
}

/** Pixels are transferred, not copied: only a view covering its whole buffer can be handed over safely. */
function standalone(pixels: Uint8Array): Uint8Array {
  return pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength ? pixels : pixels.slice();
}
