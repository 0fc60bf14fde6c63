import path from 'node:path';
import { WorkerChannel, type WorkerChannelOptions } from '../../src/workers/WorkerChannel';
import { WorkerCallFailed, WorkerStartFailed, WorkerStopped } from '../../src/workers/workerErrors';
import { tinyOnnxModel } from '../models/support/tinyOnnx';
import type { EchoProtocol } from './support/echo.protocol';
import type { OnnxLoopProtocol } from './support/onnxLoop.protocol';

const ENTRY = path.join(__dirname, 'support', 'echo.worker');
const open: Array<WorkerChannel<EchoProtocol>> = [];

async function start(data: Partial<EchoProtocol['data']> = {}, options: Partial<WorkerChannelOptions<EchoProtocol>> = {}) {
  const channel = await WorkerChannel.start<EchoProtocol>(ENTRY, { greeting: 'hello', ...data }, { name: 'echo thread', ...options });
  open.push(channel);
  return channel;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((channel) => channel.terminate()));
});

describe('WorkerChannel', () => {
  test('the handshake hands over what the worker said when ready', async () => {
    const channel = await start({ greeting: 'bonjour' });
    await expect(channel.ready).resolves.toEqual({ greeting: 'bonjour', threadId: channel.threadId });
    expect(channel.alive).toBe(true);
    expect(channel.name).toBe('echo thread');
  });

  test('a worker whose start throws fails with its own words and is terminated', async () => {
    const failed = start({ failStart: 'no backend here' });
    await expect(failed).rejects.toBeInstanceOf(WorkerStartFailed);
    await expect(failed).rejects.toMatchObject({ reason: 'no backend here', message: 'the echo thread could not start: no backend here' });
  });

  test('a worker not ready within the start timeout is stopped', async () => {
    const started = Date.now();
    await expect(start({ hangStart: true }, { startTimeoutMs: 300 })).rejects.toMatchObject({ message: expect.stringContaining('not ready within 300 ms') });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('concurrent calls each get their own answer, and a failing one fails alone', async () => {
    const channel = await start();
    const calls = [30, 0, 20, 5].map((delayMs, i) => channel.call('echo', { value: `call ${i}`, delayMs }));
    const failing = channel.call('fail', 'this one breaks');
    const after = channel.call('echo', { value: 'after', delayMs: 0 });
    expect(channel.pendingCalls).toBe(6);
    await expect(Promise.all(calls)).resolves.toEqual(['call 0', 'call 1', 'call 2', 'call 3']);
    await expect(failing).rejects.toBeInstanceOf(WorkerCallFailed);
    await expect(failing).rejects.toMatchObject({ method: 'fail', message: 'this one breaks' });
    await expect(after).resolves.toBe('after');
    expect(channel.pendingCalls).toBe(0);
  });

  test('transferred buffers move both ways instead of being copied', async () => {
    const channel = await start();
    const values = Float32Array.from([1, 2, 3]);
    const doubled = channel.call('double', values, [values.buffer as ArrayBuffer]);
    expect(values.length).toBe(0); // detached: the worker owns the bytes now
    expect(Array.from(await doubled)).toEqual([2, 4, 6]);
  });

  test('events reach onEvent before the answer of the call that emitted them', async () => {
    const steps: number[] = [];
    const channel = await start({}, { onEvent: ({ step }) => steps.push(step) });
    await expect(channel.call('count', 3)).resolves.toBe('counted');
    expect(steps).toEqual([1, 2, 3]);
  });

  test('when the worker exits, every unanswered call fails with WorkerStopped, and later calls at once', async () => {
    const channel = await start();
    const exits: WorkerStopped[] = [];
    channel.onExit(({ error }) => exits.push(error));
    const slow = channel.call('echo', { value: 'slow', delayMs: 200 });
    const exiting = channel.call('exit', 3);
    const queued = channel.call('echo', { value: 'never answered', delayMs: 0 });
    await expect(slow).resolves.toBe('slow');
    for (const call of [exiting, queued]) {
      await expect(call).rejects.toBeInstanceOf(WorkerStopped);
      await expect(call).rejects.toMatchObject({ exitCode: 3, duringStart: false, message: 'the echo thread stopped (exit code 3)' });
    }
    expect(exits).toHaveLength(1);
    expect(channel.alive).toBe(false);
    expect(channel.pendingCalls).toBe(0);
    await expect(channel.call('echo', { value: 'too late', delayMs: 0 })).rejects.toBe(exits[0]);
  });

  test('terminate fails the calls in flight', async () => {
    const channel = await start();
    const inFlight = channel.call('echo', { value: 'cut short', delayMs: 5_000 });
    await channel.terminate();
    await expect(inFlight).rejects.toBeInstanceOf(WorkerStopped);
  });

  test('close lets an ONNX Runtime run in flight finish: the thread exits and the process lives on', async () => {
    // worker.terminate() during session.run aborts the whole process (node-addon-api throws into a torn-down
    // environment): this jest worker would die with SIGABRT. close() waits for the run, then the thread exits.
    const model = tinyOnnxModel({ size: 256 });
    for (let round = 0; round < 6; round++) {
      let runs = 0;
      const channel = await WorkerChannel.start<OnnxLoopProtocol>(
        path.join(__dirname, 'support', 'onnxLoop.worker'),
        { model, size: 256, batch: 16 },
        {
          name: 'onnx loop',
          onEvent: (event) => (runs = event.runs),
        },
      );
      const spinning = channel.call('spin', undefined);
      while (runs < 1 + (round % 3)) await new Promise((resolve) => setTimeout(resolve, 5));
      await channel.close();
      expect(channel.alive).toBe(false);
      await expect(spinning).resolves.toBeGreaterThanOrEqual(runs);
    }
  });

  test('close fails the calls not begun and resolves at once on a stopped channel', async () => {
    const channel = await start();
    const inHand = channel.call('echo', { value: 'first', delayMs: 200 });
    const waiting = channel.call('echo', { value: 'second', delayMs: 0 }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await channel.close();
    await expect(inHand).resolves.toBe('first');
    const refused = await waiting;
    expect(refused).toBeInstanceOf(WorkerCallFailed);
    expect(refused).toMatchObject({ message: 'the worker is closing' });
    await channel.close();
    await expect(channel.call('echo', { value: 'late', delayMs: 0 })).rejects.toBeInstanceOf(WorkerStopped);
  });
});
