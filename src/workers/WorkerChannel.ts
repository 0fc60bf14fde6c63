import type { Worker } from 'node:worker_threads';
import type { CallMessage, CloseMessage, MethodOf, PayloadOf, ResultOf, WorkerMessage, WorkerProtocol } from './protocol';
import { spawnWorker } from './spawnWorker';
import { WorkerCallFailed, WorkerStartFailed, WorkerStopped } from './workerErrors';

export interface WorkerChannelOptions<P extends WorkerProtocol> {
  /** How errors and logs name the thread: "inference worker", "backbone thread"... */
  name: string;
  /** A worker not ready by then is terminated and its start fails; unset: it may take as long as it needs. */
  startTimeoutMs?: number;
  /** Messages the worker sends unasked (progress). */
  onEvent?(event: P['events']): void;
}

export interface WorkerExit {
  error: WorkerStopped;
  /** The worker's own words when it could not start. */
  fatal?: string;
}

/** How long a closing worker may take to finish its call in hand before it is terminated. */
const CLOSE_GRACE_MS = 30_000;

interface PendingCall {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The parent's end of a worker thread that speaks protocol `P` (see protocol.ts): it starts the thread
 * (`<entry>.js`, or the `.ts` sources under jest), waits for its ready or fatal message, numbers each call
 * and settles it with the reply of the same id, hands events to `onEvent`, and when the thread ends fails
 * every unanswered call with WorkerStopped. A worker answers calls in the order they were sent.
 */
export class WorkerChannel<P extends WorkerProtocol> {
  /** Settles once the worker is ready (with what it said), or fails with WorkerStartFailed / WorkerStopped. */
  readonly ready: Promise<P['ready']>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, PendingCall>();
  private readonly exitListeners: Array<(exit: WorkerExit) => void> = [];
  private nextId = 0;
  private started = false;
  private fatal?: string;
  private crash?: Error;
  private stopped?: WorkerStopped;

  private constructor(
    entry: string,
    data: P['data'],
    private readonly options: WorkerChannelOptions<P>,
  ) {
    this.worker = spawnWorker(entry, data);
    let markReady!: (ready: P['ready']) => void;
    let failReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => ((markReady = resolve), (failReady = reject)));
    this.ready.catch(() => undefined); // a caller that never awaits it is told by onExit
    const timer =
      options.startTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            failReady(new WorkerStartFailed(options.name, `not ready within ${options.startTimeoutMs} ms`));
            void this.worker.terminate();
          }, options.startTimeoutMs);
    this.worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'ready':
          clearTimeout(timer);
          this.started = true;
          return markReady(message.ready as P['ready']);
        case 'fatal':
          clearTimeout(timer);
          this.fatal = message.message;
          failReady(new WorkerStartFailed(options.name, message.message));
          return void this.worker.terminate();
        case 'event':
          return options.onEvent?.(message.event as P['events']);
        case 'result':
          return this.settle(message.id)?.resolve(message.value);
        case 'failed': {
          const call = this.settle(message.id);
          return call?.reject(new WorkerCallFailed(call.method, message.message));
        }
      }
    });
    this.worker.on('error', (error) => (this.crash = error));
    this.worker.on('exit', (code) => {
      clearTimeout(timer);
      this.stopped = new WorkerStopped(options.name, code, !this.started, this.crash);
      for (const call of this.pending.values()) call.reject(this.stopped);
      this.pending.clear();
      failReady(this.stopped);
      for (const listener of this.exitListeners) listener({ error: this.stopped, fatal: this.fatal });
    });
  }

  /** Starts the thread; `ready` says when it can take calls. Calls made before are queued by the worker. */
  static spawn<P extends WorkerProtocol>(entry: string, data: P['data'], options: WorkerChannelOptions<P>): WorkerChannel<P> {
    return new WorkerChannel<P>(entry, data, options);
  }

  /** Starts the thread and waits until it is ready; a worker that cannot start is terminated and its error thrown. */
  static async start<P extends WorkerProtocol>(entry: string, data: P['data'], options: WorkerChannelOptions<P>): Promise<WorkerChannel<P>> {
    const channel = WorkerChannel.spawn<P>(entry, data, options);
    try {
      await channel.ready;
    } catch (error) {
      await channel.terminate();
      throw error;
    }
    return channel;
  }

  get name(): string {
    return this.options.name;
  }

  get alive(): boolean {
    return !this.stopped;
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  /** Calls sent and not answered yet. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  /** Runs `method` in the worker; buffers in `transfer` move there (the caller's views of them become empty). */
  call<M extends MethodOf<P>>(method: M, payload: PayloadOf<P, M>, transfer: readonly ArrayBuffer[] = []): Promise<ResultOf<P, M>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      const message: CallMessage = { kind: 'call', id, method, payload };
      this.worker.postMessage(message, transfer);
    });
  }

  /** Called once, when the thread has ended and every unanswered call has failed. */
  onExit(listener: (exit: WorkerExit) => void): void {
    this.exitListeners.push(listener);
  }

  /**
   * Stops the thread the safe way: it finishes the call in hand (a handler that watches `closing` gives up
   * early), fails the calls not begun, and exits; past `graceMs` it is terminated. Prefer this to
   * `terminate` for any worker that may be inside ONNX Runtime.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (this.stopped) return;
    const exited = new Promise<void>((resolve) => this.onExit(() => resolve()));
    this.worker.postMessage({ kind: 'close' } satisfies CloseMessage);
    const timer = setTimeout(() => void this.worker.terminate(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Ends the thread at once, whatever it is doing. A thread torn down during an ONNX Runtime run aborts
   * the whole process: use `close` unless the thread is known to be idle or inside a synchronous call.
   */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private settle(id: number): PendingCall | undefined {
    const call = this.pending.get(id);
    this.pending.delete(id);
    return call;
  }
}
