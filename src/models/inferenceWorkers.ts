import path from 'node:path';
import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { ModelPlan } from '../runtime/types';
import { WorkerStopped } from '../workers/workerErrors';
import { WorkerChannel } from '../workers/WorkerChannel';
import type { InferenceProtocol, InferenceWorkerData, LoadedReply, PredictReply, WorkerStats } from './inference.protocol';

/** One inference worker as the pool sees it. `idle`/`busy` are the pool's to set; the rest are this module's. */
export interface InferenceSlot {
  readonly index: number;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  backend?: string;
  /** Settles when the worker has its backend and the models known when it started. */
  readonly ready: Promise<void>;
  /** The models this worker holds, by key. */
  readonly models: Map<string, LoadedReply>;
  readonly channel: WorkerChannel<InferenceProtocol>;
}

export interface InferenceWorkersOptions {
  count: number;
  data: InferenceWorkerData;
  metrics?: GatewayMetrics;
  /** A worker became idle with its models loaded: work may be handed to it. */
  onWorkerReady(): void;
  /** No worker is running and the last one could not even start: queued work would wait forever. */
  onNoWorkerCanStart(error: Error): void;
}

const log = logger.child({ component: 'inference-pool' });

/**
 * The inference worker threads: each started on a WorkerChannel, given every known model (also the
 * workers that replace crashed ones, after a backoff), and told to unload. Errors its callers see are
 * GatewayErrors: MODEL_UNAVAILABLE when a worker stops under a call, SHUTTING_DOWN once closing.
 */
export class InferenceWorkers {
  readonly slots: InferenceSlot[] = [];
  /** Every model loaded into the workers (and into the ones that replace them), by key. */
  readonly plans = new Map<string, ModelPlan>();
  private closing = false;
  private recentCrashes: number[] = [];

  constructor(private readonly options: InferenceWorkersOptions) {
    for (let index = 0; index < Math.max(1, options.count); index++) this.spawn(index);
  }

  get backend(): string {
    return this.slots.find((slot) => slot.backend)?.backend ?? 'unknown';
  }

  get live(): number {
    return this.slots.filter((slot) => slot.state === 'idle' || slot.state === 'busy').length;
  }

  /** Loads a model into every worker; rejects with the first failure that is not a worker stopping under it. */
  async load(key: string, plan: ModelPlan): Promise<LoadedReply> {
    this.plans.set(key, plan);
    const results = await Promise.allSettled(this.slots.map((slot) => this.loadInto(slot, key, plan)));
    const loaded = results.find((result) => result.status === 'fulfilled');
    const failure = results.find((result) => result.status === 'rejected');
    if (!loaded || (failure && !(failure.reason instanceof GatewayError))) {
      this.unload(key);
      throw failure?.reason ?? new Error('no inference worker is running');
    }
    return loaded.value;
  }

  unload(key: string): void {
    this.plans.delete(key);
    for (const slot of this.slots) {
      if (slot.models.delete(key)) this.call(slot, 'unload', { key }).catch(() => undefined);
    }
  }

  predict(slot: InferenceSlot, key: string, pixels: Uint8Array, count: number): Promise<PredictReply> {
    return this.call(slot, 'predict', { key, pixels, count }, [pixels.buffer as ArrayBuffer]);
  }

  stats(): Promise<WorkerStats[]> {
    const live = this.slots.filter((slot) => slot.state === 'idle' || slot.state === 'busy');
    return Promise.all(live.map((slot) => this.call(slot, 'stats', undefined)));
  }

  async kill(index: number): Promise<void> {
    await this.slots[index]?.channel.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.channel.close()));
    this.options.metrics?.inferenceWorkers.set(0);
  }

  private spawn(index: number): void {
    const channel = WorkerChannel.spawn<InferenceProtocol>(path.join(__dirname, 'inference.worker'), this.options.data, { name: 'inference worker' });
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)));
    ready.catch(() => undefined);
    const slot: InferenceSlot = { index, state: 'starting', ready, models: new Map(), channel };
    this.slots[index] = slot;
    channel.ready.then(
      ({ backend }) => {
        slot.backend = backend;
        void this.loadKnownModels(slot).then(() => {
          if (slot.state !== 'starting') return;
          slot.state = 'idle';
          this.options.metrics?.inferenceWorkers.set(this.live);
          markReady();
          this.options.onWorkerReady();
        });
      },
      () => undefined, // told by onExit
    );
    channel.onExit(({ error: stopped, fatal }) => {
      const wasStarting = slot.state === 'starting';
      slot.state = 'dead';
      this.options.metrics?.inferenceWorkers.set(this.live);
      const error = this.stoppedError();
      failReady(fatal ? new Error(`inference worker could not start: ${fatal}`) : error);
      if (this.closing) return;
      log.error({ worker: index, code: stopped.exitCode, err: stopped.cause, fatal }, 'inference worker exited; starting a new one');
      if (wasStarting && fatal && this.live === 0) this.options.onNoWorkerCanStart(error);
      setTimeout(() => this.closing || this.spawn(index), this.respawnDelay()).unref();
    });
  }

  private async loadKnownModels(slot: InferenceSlot): Promise<void> {
    // Iterates the live map, so a model added meanwhile is loaded here too.
    for (const [key, plan] of this.plans) {
      try {
        slot.models.set(key, await this.call(slot, 'load', { key, plan }));
      } catch (error) {
        log.warn({ worker: slot.index, model: key, err: error }, 'model failed to load in a new worker');
      }
    }
  }

  private async loadInto(slot: InferenceSlot, key: string, plan: ModelPlan): Promise<LoadedReply> {
    await slot.ready;
    const known = slot.models.get(key);
    if (known) return known;
    const reply = await this.call(slot, 'load', { key, plan });
    if (this.plans.has(key)) slot.models.set(key, reply);
    return reply;
  }

  private respawnDelay(): number {
    const now = Date.now();
    this.recentCrashes = [...this.recentCrashes.filter((time) => now - time < 60_000), now];
    return Math.min(10_000, 100 * 2 ** (this.recentCrashes.length - 1));
  }

  private call<M extends keyof InferenceProtocol['methods']>(
    slot: InferenceSlot,
    method: M,
    payload: InferenceProtocol['methods'][M]['payload'],
    transfer: ArrayBuffer[] = [],
  ): Promise<InferenceProtocol['methods'][M]['result']> {
    if (slot.state === 'dead') return Promise.reject(new GatewayError(ErrorCode.ModelUnavailable, 'The inference worker is restarting; retry the request.'));
    return slot.channel.call(method, payload, transfer).catch((error: Error) => {
      throw error instanceof WorkerStopped ? this.stoppedError() : error;
    });
  }

  private stoppedError(): GatewayError {
    return this.closing ? shuttingDown() : new GatewayError(ErrorCode.ModelUnavailable, 'The inference worker stopped unexpectedly; retry the request.');
  }
}

export const shuttingDown = () => new GatewayError(ErrorCode.ShuttingDown, 'The model runtime is shutting down.');
