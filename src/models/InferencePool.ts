import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ErrorCode, GatewayError } from '../errors';
import type { GatewayMetrics } from '../metrics';
import type { ModelPlan } from '../runtime/types';
import type { LoadedReply, WorkerStats } from './inference.protocol';
import { InferenceWorkers, shuttingDown, type InferenceSlot } from './inferenceWorkers';

export interface InferencePoolOptions {
  workers: number;
  /** Most images in one predict call. */
  maxBatch: number;
  /** How long queued images wait for more to join their batch while a worker is idle. */
  maxWaitMs: number;
  /** Images admitted but not yet handed to a worker; beyond it, requests get OVERLOADED. */
  queueLimit: number;
  /** ONNX Runtime intra-op threads per session (each worker holds its own sessions); default 1. */
  onnxThreads?: number;
  metrics?: GatewayMetrics;
}

/** How a model is named to the pool: `key` is unique per loaded version, `label` names it in metrics. */
export interface PoolModel {
  key: string;
  label: string;
}

interface Job {
  pixels: Uint8Array;
  enqueuedAt: number;
  resolve(scores: Float32Array): void;
  reject(error: Error): void;
}

interface ModelQueue {
  model: PoolModel;
  jobs: Job[];
}

/** Places images may wait for a worker, reserved before decoding so that an overloaded pool refuses at once. */
export class Admission {
  constructor(
    private readonly pool: { release(count: number): void },
    private remaining: number,
  ) {}

  consume(count: number): void {
    if (count > this.remaining) throw new Error('admission exceeded');
    this.remaining -= count;
  }

  release(): void {
    this.pool.release(this.remaining);
    this.remaining = 0;
  }
}

/**
 * Admission and micro-batching in front of the inference workers (inferenceWorkers.ts: ONNX Runtime
 * sessions, and a TF.js backend for the models without an ONNX form), each holding every loaded model.
 * Images queue per model; an idle worker takes up to `maxBatch` of one model at once, after waiting up
 * to `maxWaitMs` for a batch to fill while more admitted images are still being decoded (a lone request
 * does not wait). A worker that dies fails its in-flight batch with MODEL_UNAVAILABLE and is replaced.
 */
export class InferencePool {
  private readonly workers: InferenceWorkers;
  private readonly queues = new Map<string, ModelQueue>();
  private reserved = 0;
  private queued = 0;
  private timer?: NodeJS.Timeout;
  private closing = false;

  private constructor(private readonly options: InferencePoolOptions) {
    this.workers = new InferenceWorkers({
      count: options.workers,
      data: { onnxThreads: options.onnxThreads ?? 1, maxBatch: options.maxBatch },
      metrics: options.metrics,
      onWorkerReady: () => {
        this.failUnservable();
        this.pump();
      },
      onNoWorkerCanStart: (error) => this.failQueued(error),
    });
  }

  /** Starts the workers; rejects if their TF.js backend cannot start. */
  static async start(options: InferencePoolOptions): Promise<InferencePool> {
    const pool = new InferencePool(options);
    try {
      await Promise.all(pool.workers.slots.map((slot) => slot.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get backend(): string {
    return this.workers.backend;
  }

  get liveWorkers(): number {
    return this.workers.live;
  }

  /**
   * Loads a model folder into every worker (and into the workers that replace them later), in the
   * runtime `plan` names; without a plan, a folder with model.onnx runs on ONNX Runtime, others on TF.js.
   */
  async load(key: string, dir: string, plan: ModelPlan = { dir, tfjsFallback: true }): Promise<LoadedReply> {
    if (!plan.onnx && fs.existsSync(path.join(dir, 'model.onnx'))) plan = { dir, onnx: { kind: 'file', path: path.join(dir, 'model.onnx') }, tfjsFallback: false };
    return this.workers.load(key, plan).catch((error: unknown) => {
      if (!this.queues.get(key)?.jobs.length) this.queues.delete(key);
      throw error;
    });
  }

  unload(key: string): void {
    if (!this.queues.get(key)?.jobs.length) this.queues.delete(key);
    this.workers.unload(key);
  }
  /** Reserves room for `count` images, or throws OVERLOADED. Release what is left in a `finally`. */
  admit(count: number): Admission {
    this.assertRoom(count);
    this.reserved += count;
    return new Admission(this, count);
  }

  /** Throws OVERLOADED (or shutting down) when `count` more images would not be admitted now; reserves nothing. */
  assertRoom(count: number): void {
    if (this.closing) throw shuttingDown();
    if (this.reserved + this.queued + count > this.options.queueLimit) {
      throw new GatewayError(ErrorCode.Overloaded, `Too many images are waiting for inference (limit ${this.options.queueLimit}); retry shortly.`);
    }
  }

  /** @internal called by Admission */
  release(count: number): void {
    this.reserved -= count;
  }

  /** Class scores for each image (RGB bytes at the model's input size), in order. */
  run(model: PoolModel, images: Uint8Array[], admission: Admission): Promise<Float32Array[]> {
    if (images.length === 0) return Promise.resolve([]);
    if (this.closing) return Promise.reject(shuttingDown());
    admission.consume(images.length);
    this.reserved -= images.length;
    this.queued += images.length;
    let queue = this.queues.get(model.key);
    if (!queue) this.queues.set(model.key, (queue = { model, jobs: [] }));
    const enqueuedAt = performance.now();
    const results = images.map((pixels) => new Promise<Float32Array>((resolve, reject) => queue.jobs.push({ pixels, enqueuedAt, resolve, reject })));
    this.options.metrics?.inferenceQueueDepth.set(this.queued);
    this.failUnservable();
    this.pump();
    return Promise.all(results);
  }

  workerStats(): Promise<WorkerStats[]> {
    return this.workers.stats();
  }

  /** Fault injection for tests and operators: stops one worker as a crash would. */
  async killWorker(index: number): Promise<void> {
    await this.workers.kill(index);
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.failQueued(shuttingDown());
    await this.workers.close();
  }

  /** Hands batches to idle workers; called whenever images arrive or a worker frees up. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closing) return;
    const now = performance.now();
    let idle = this.workers.slots.filter((slot) => slot.state === 'idle');
    while (idle.length > 0) {
      const queue = this.oldestServableQueue(idle);
      if (!queue) return;
      const waited = now - queue.jobs[0].enqueuedAt;
      // Wait for a batch to fill only while more images are on their way (admitted, still decoding):
      // with none coming, waiting would only add latency to a lone request.
      if (queue.jobs.length < this.options.maxBatch && waited < this.options.maxWaitMs && this.reserved > 0) {
        this.timer = setTimeout(() => this.pump(), this.options.maxWaitMs - waited);
        return;
      }
      const eligible = idle.filter((slot) => slot.models.has(queue.model.key));
      // Spreading a short queue over the idle workers lowers latency; under load batches fill up anyway.
      const size = Math.min(this.options.maxBatch, Math.ceil(queue.jobs.length / eligible.length));
      this.dispatch(eligible[0], queue.model, queue.jobs.splice(0, size));
      idle = idle.filter((slot) => slot !== eligible[0]);
    }
  }

  private oldestServableQueue(idle: InferenceSlot[]): ModelQueue | undefined {
    let oldest: ModelQueue | undefined;
    for (const queue of this.queues.values()) {
      if (queue.jobs.length === 0 || !idle.some((slot) => slot.models.has(queue.model.key))) continue;
      if (!oldest || queue.jobs[0].enqueuedAt < oldest.jobs[0].enqueuedAt) oldest = queue;
    }
    return oldest;
  }

  private dispatch(slot: InferenceSlot, model: PoolModel, jobs: Job[]): void {
    slot.state = 'busy';
    this.queued -= jobs.length;
    this.options.metrics?.inferenceQueueDepth.set(this.queued);
    const runtime = slot.models.get(model.key)?.runtime ?? 'unknown';
    const imageBytes = jobs[0].pixels.length;
    const pixels = new Uint8Array(imageBytes * jobs.length);
    jobs.forEach((job, i) => pixels.set(job.pixels, i * imageBytes));
    this.workers
      .predict(slot, model.key, pixels, jobs.length)
      .then(
        ({ scores, seconds }) => {
          this.options.metrics?.inferenceBatchSize.observe({ model: model.label, runtime }, jobs.length);
          this.options.metrics?.inferenceSeconds.observe({ model: model.label, runtime }, seconds);
          const classes = scores.length / jobs.length;
          jobs.forEach((job, i) => job.resolve(scores.subarray(i * classes, (i + 1) * classes)));
        },
        (error: Error) => this.failJobs(jobs, error),
      )
      .finally(() => {
        if (slot.state === 'busy') slot.state = 'idle';
        this.pump();
      });
  }

  /** Once every worker is up, images for a model none of them could load (e.g. its folder vanished before a respawn) would wait forever. */
  private failUnservable(): void {
    if (this.workers.slots.some((slot) => slot.state === 'starting' || slot.state === 'dead')) return;
    for (const queue of this.queues.values()) {
      if (queue.jobs.length === 0 || this.workers.slots.some((slot) => slot.models.has(queue.model.key))) continue;
      this.queued -= queue.jobs.length;
      this.failJobs(queue.jobs.splice(0), new GatewayError(ErrorCode.ModelUnavailable, `Model "${queue.model.label}" is not loaded in any inference worker.`));
    }
  }

  private failJobs(jobs: Job[], error: Error): void {
    for (const job of jobs) job.reject(error);
  }

  private failQueued(error: Error): void {
    for (const queue of this.queues.values()) {
      this.queued -= queue.jobs.length;
      this.failJobs(queue.jobs.splice(0), error);
    }
    this.options.metrics?.inferenceQueueDepth.set(this.queued);
  }
}
