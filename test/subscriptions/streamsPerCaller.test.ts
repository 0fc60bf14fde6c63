import http from 'node:http';
import path from 'node:path';
import type express from 'express';
import { streamCallerKey } from '../../src/graphql/sse/streamsPerCaller';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { openStream } from '../support/subscriptions';
import { temporaryDir, writeColourFolders } from '../training/support/images';

/** Issue 16: one client held 100 streams open on a queued job for ever; now a per-caller cap and a lifetime bound them. */

const SMALL = `subscription Small($id: ID!) { trainingJobEvents(id: $id) { sequence kind job { status } } }`;
const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }`;
const LIFETIME_S = 3;

/** The status a stream request gets when sent from another loopback address (another client, as the gateway sees it). */
function statusFrom(localAddress: string, url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', accept: 'text/event-stream' } }, (res) => {
      resolve(res.statusCode!);
      res.destroy();
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

describe('subscription streams per caller and their lifetime', () => {
  let gw: RunningGateway;
  const root = temporaryDir('sse-caller-');

  beforeAll(async () => {
    await writeColourFolders(path.join(root, 'data', 'colours'), 4);
    gw = await startGateway({
      TRAINING_DATA_ROOT: path.join(root, 'data'),
      MODELS_DIR: path.join(root, 'models'),
      INFERENCE_WORKERS: '1',
      MAX_SUBSCRIPTION_STREAMS_PER_CALLER: '2',
      SUBSCRIPTION_MAX_LIFETIME_S: String(LIFETIME_S),
    });
  });
  afterAll(() => gw?.close());

  it('refuses a caller past MAX_SUBSCRIPTION_STREAMS_PER_CALLER with 429 RATE_LIMITED, not other callers; streams end at SUBSCRIPTION_MAX_LIFETIME_S saying why', async () => {
    // One long job runs; the second waits in the queue, and its streams would stay open as long as it waits.
    await gw.graphql(TRAIN, { input: { modelId: 'running', data: 'colours', epochs: 1000, batchSize: 1 } });
    const { body } = await gw.graphql(TRAIN, { input: { modelId: 'queued', data: 'colours', epochs: 1 } });
    const subscription = { query: SMALL, variables: { id: body.data.trainModel.id } };

    const openedAt = Date.now();
    const streams = [await openStream(gw.url, subscription), await openStream(gw.url, subscription)];
    for (const stream of streams) expect(stream.response.status).toBe(200);

    const third = await openStream(gw.url, subscription);
    expect(third.response.status).toBe(429);
    expect(third.response.headers.get('retry-after')).toBe('5');
    expect((await third.response.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(await statusFrom('127.0.0.2', gw.url, subscription)).toBe(200);
    expect(Date.now() - openedAt).toBeLessThan(LIFETIME_S * 1000); // otherwise the cap was not what refused

    await Promise.all(streams.map((stream) => stream.ended));
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(LIFETIME_S * 1000 - 50);
    for (const stream of streams) {
      expect(stream.events.map((event) => event.event).slice(-2)).toEqual(['next', 'complete']);
      const last = JSON.parse(stream.events.at(-2)!.data);
      expect(last.errors[0].extensions.code).toBe('STREAM_LIFETIME_EXCEEDED');
      expect(stream.events.length).toBeGreaterThanOrEqual(3); // the job's latest event came first
    }
    // Their places are free again, and the job is still waiting: only the streams ended.
    await until(() => gw.gateway.services.training.events.watching() <= 1);
    const again = await openStream(gw.url, subscription);
    expect(again.response.status).toBe(200);
    again.close();
    expect((await gw.metrics.subscriptionStreamsRefused.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'caller_limit' }, value: 1 })]);
  }, 60_000);

  it('keys a caller by the id the auth middleware set, else by the client address', () => {
    const req = { ip: '10.1.2.3', socket: {} } as express.Request;
    expect(streamCallerKey(req, { locals: {} } as express.Response)).toBe('anon:10.1.2.3');
    expect(streamCallerKey(req, { locals: { caller: { id: 'user:42' } } } as unknown as express.Response)).toBe('user:42');
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
