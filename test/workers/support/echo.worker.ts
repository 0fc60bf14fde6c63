import { threadId } from 'node:worker_threads';
import { transferred } from '../../../src/workers/protocol';
import { serveWorker } from '../../../src/workers/serveWorker';
import type { EchoProtocol } from './echo.protocol';

serveWorker<EchoProtocol>(async (data, emit) => {
  if (data.failStart) throw new Error(data.failStart);
  if (data.hangStart) await new Promise(() => setInterval(() => undefined, 1000));
  return {
    ready: { greeting: data.greeting, threadId },
    handlers: {
      echo: async ({ value, delayMs }) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return value;
      },
      double: (values) => {
        const doubled = values.map((value) => value * 2);
        return transferred(doubled, [doubled.buffer as ArrayBuffer]);
      },
      fail: (message) => {
        throw new Error(message);
      },
      count: (count) => {
        for (let step = 1; step <= count; step++) emit({ step });
        return 'counted';
      },
      exit: (code) => process.exit(code),
    },
  };
});
