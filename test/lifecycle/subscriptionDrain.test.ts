import path from 'node:path';
import { openStream } from '../support/subscriptions';
import { temporaryDir, writeColourFolders } from '../training/support/images';
import { ensureBuilt, startServerProcess, type ServerProcess } from './serverProcess';

/** The real process: an open subscription stream neither blocks SIGTERM's drain nor is cut without a goodbye. */
let server: ServerProcess;
const root = temporaryDir('sse-drain-');

beforeAll(async () => {
  ensureBuilt();
  await writeColourFolders(path.join(root, 'data', 'colours'), 6);
  server = await startServerProcess({
    ANONYMOUS_SCOPES: 'read,train',
    TRAINING_DATA_ROOT: path.join(root, 'data'),
    MODELS_DIR: path.join(root, 'models'),
    SHUTDOWN_GRACE_MS: '60000',
  });
});
afterAll(() => server?.stop());

describe('SIGTERM with a subscription stream open', () => {
  it('completes the stream, finishes the drain and exits 0 while the job would still run', async () => {
    const train = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { trainModel(input: { modelId: "long", data: "colours", epochs: 1000, batchSize: 1 }) { id } }' }),
    });
    const id = ((await train.json()) as any).data.trainModel.id;
    const stream = await openStream(server.url, { query: 'subscription Drain($id: ID!) { trainingJobEvents(id: $id) { sequence job { status } } }', variables: { id } });
    expect(stream.response.status).toBe(200);
    while (stream.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));

    server.child.kill('SIGTERM');
    await stream.ended;
    // A `complete` event: the gateway ended the stream itself; the drain did not have to cut it.
    expect(stream.events.at(-1)!.event).toBe('complete');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.some((line) => line.msg === 'stopped')).toBe(true);
    expect(server.logs.some((line) => line.msg === 'graphql subscription stream')).toBe(true);
  });
});
