/**
 * The one convention every worker thread of the gateway follows. A worker is described by a protocol type
 * (in `<name>.protocol.ts`, beside its entry `<name>.worker.ts`):
 * - `data`: what it is started with (its workerData);
 * - `ready`: what it says once started (its backend, the model it loaded...);
 * - `methods`: the calls it answers, each a payload in and a result out;
 * - `events`: what it sends unasked (progress).
 * The parent holds a WorkerChannel of that protocol; the worker calls serveWorker with its handlers.
 */
export interface WorkerProtocol {
  data: unknown;
  ready: unknown;
  methods: Record<string, { payload: unknown; result: unknown }>;
  events: unknown;
}

export type MethodOf<P extends WorkerProtocol> = keyof P['methods'] & string;
export type PayloadOf<P extends WorkerProtocol, M extends MethodOf<P>> = P['methods'][M]['payload'];
export type ResultOf<P extends WorkerProtocol, M extends MethodOf<P>> = P['methods'][M]['result'];

/** A result whose buffers move to the other thread instead of being copied (the sender's views become empty). */
export class Transferred<T> {
  constructor(
    readonly value: T,
    readonly transfer: readonly ArrayBuffer[],
  ) {}
}

export function transferred<T>(value: T, transfer: readonly ArrayBuffer[]): Transferred<T> {
  return new Transferred(value, transfer);
}

/**
 * A typed array's bytes ready to be transferred: the view itself when it covers its whole buffer, else a
 * copy (transferring a view's buffer would take the bytes around it too).
 */
export function standalone<T extends Uint8Array | Float32Array>(view: T): T {
  return view.byteOffset === 0 && view.byteLength === view.buffer.byteLength ? view : (view.slice() as T);
}

/** Parent to worker: a call to answer. */
export interface CallMessage {
  kind: 'call';
  id: number;
  method: string;
  payload: unknown;
}

/** Parent to worker: finish the call in hand, answer no other, and exit (see WorkerChannel.close). */
export interface CloseMessage {
  kind: 'close';
}

export type ParentMessage = CallMessage | CloseMessage;

/** Worker to parent. */
export type WorkerMessage =
  | { kind: 'ready'; ready: unknown }
  | { kind: 'fatal'; message: string }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'failed'; id: number; message: string }
  | { kind: 'event'; event: unknown };
