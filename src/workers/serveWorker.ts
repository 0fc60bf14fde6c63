import { parentPort, workerData } from 'node:worker_threads';
import { Transferred, type CallMessage, type MethodOf, type ParentMessage, type PayloadOf, type ResultOf, type WorkerMessage, type WorkerProtocol } from './protocol';
import { workerDataOf } from './spawnWorker';

/** A handler's answer: the result, or the result with buffers to transfer (see `transferred`). */
export type Reply<T> = T | Transferred<T>;

export type WorkerHandlers<P extends WorkerProtocol> = {
  [M in MethodOf<P>]: (payload: PayloadOf<P, M>) => Reply<ResultOf<P, M>> | Promise<Reply<ResultOf<P, M>>>;
};

export interface WorkerService<P extends WorkerProtocol> {
  /** What the parent's `ready` resolves to. */
  ready: P['ready'];
  handlers: WorkerHandlers<P>;
}

/** Sends an event (progress) to the parent's `onEvent`. */
export type Emit<P extends WorkerProtocol> = (event: P['events'], transfer?: readonly ArrayBuffer[]) => void;

/**
 * The worker's end of a WorkerChannel, called once by a `<name>.worker.ts` entry. `start` gets the
 * worker's data and prepares what the handlers need (a backend, a model); what it throws is reported as
 * the worker's fatal start error. Calls are then answered strictly one after another, in the order they
 * came: a handler that replaces state (a model load) never interleaves with one that uses it.
 *
 * When the parent closes the channel, `closing` is aborted (a long handler, such as a training job, checks
 * it and gives up), calls not yet begun fail, and the thread exits once the call in hand has returned:
 * a native call still running (an ONNX Runtime session's run) is never cut off by the thread's teardown,
 * which aborts the whole process (node-addon-api throws into a finished environment).
 */
export function serveWorker<P extends WorkerProtocol>(start: (data: P['data'], emit: Emit<P>, closing: AbortSignal) => Promise<WorkerService<P>> | WorkerService<P>): void {
  if (!parentPort) throw new Error('a .worker.ts entry must run in a worker thread (WorkerChannel starts it)');
  const port = parentPort;
  const send = (message: WorkerMessage, transfer: readonly ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const emit: Emit<P> = (event, transfer) => send({ kind: 'event', event }, transfer);
  const closing = new AbortController();
  let previous: Promise<unknown> = Promise.resolve();
  let service: WorkerService<P> | undefined;
  // Listening from the start: a close that comes while `start` runs waits for it too.
  port.on('message', (message: ParentMessage) => {
    if (message.kind === 'close') {
      closing.abort();
      void previous.finally(() => process.exit(0));
      return;
    }
    previous = previous.then(() =>
      service && !closing.signal.aborted
        ? answer(service.handlers, message, send)
        : send({ kind: 'failed', id: message.id, message: closing.signal.aborted ? 'the worker is closing' : 'the worker did not start' }),
    );
  });
  previous = (async () => {
    try {
      service = await start(workerDataOf<P['data']>(workerData), emit, closing.signal);
    } catch (error) {
      return send({ kind: 'fatal', message: messageOf(error) });
    }
    send({ kind: 'ready', ready: service.ready });
  })();
}

async function answer<P extends WorkerProtocol>(
  handlers: WorkerHandlers<P>,
  call: CallMessage,
  send: (message: WorkerMessage, transfer?: readonly ArrayBuffer[]) => void,
): Promise<void> {
  try {
    const handler = handlers[call.method as MethodOf<P>] as ((payload: unknown) => unknown) | undefined;
    if (!handler) throw new Error(`this worker has no method ${call.method}`);
    const reply = await handler(call.payload);
    if (reply instanceof Transferred) send({ kind: 'result', id: call.id, value: reply.value }, reply.transfer);
    else send({ kind: 'result', id: call.id, value: reply });
  } catch (error) {
    send({ kind: 'failed', id: call.id, message: messageOf(error) });
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
