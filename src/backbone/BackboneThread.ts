import path from 'node:path';
import type { RuntimeKind } from '../runtime/types';
import { standalone } from '../workers/protocol';
import { WorkerChannel } from '../workers/WorkerChannel';
import type { BackboneInfo, BackboneSource } from './Backbone';
import type { BackboneProtocol, BackboneThreadOptions } from './backbone.protocol';

/**
 * A backbone in its own worker thread, so that embedding (tens of milliseconds per image on the wasm
 * backend) never blocks the event loop. Requests are answered in order.
 */
export class BackboneThread {
  private constructor(
    private readonly channel: WorkerChannel<BackboneProtocol>,
    private readonly ready: BackboneProtocol['ready'],
  ) {}

  /** Starts a thread and loads the backbone; rejects if it cannot be loaded. */
  static async start(source: BackboneSource, options: BackboneThreadOptions = {}): Promise<BackboneThread> {
    const channel = await WorkerChannel.start<BackboneProtocol>(path.join(__dirname, 'backbone.worker'), { source, ...options }, { name: 'backbone thread' });
    return new BackboneThread(channel, await channel.ready);
  }

  get info(): BackboneInfo {
    return this.ready.info;
  }

  get backend(): string {
    return this.ready.backend;
  }

  /** The runtime its feature pass runs on, and why not ONNX Runtime when it is TF.js. */
  get runtime(): RuntimeKind {
    return this.ready.runtime;
  }

  get fallbackReason(): string | undefined {
    return this.ready.fallbackReason;
  }

  get alive(): boolean {
    return this.channel.alive;
  }

  /** Calls sent and not answered yet. */
  get pendingCalls(): number {
    return this.channel.pendingCalls;
  }

  /** count × featureSize floats for `count` images of inputSize² RGB pixels (the pixels are transferred, not copied). */
  embed(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const own = standalone(pixels);
    return this.channel.call('embed', { pixels: own, count }, [own.buffer as ArrayBuffer]);
  }

  async close(): Promise<void> {
    await this.channel.close();
  }
}
