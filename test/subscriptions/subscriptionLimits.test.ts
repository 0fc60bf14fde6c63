import path from 'node:path';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { openStream, subscribeToEnd } from '../support/subscriptions';
import { temporaryDir, writeColourFolders } from '../training/support/images';

const DEEP = `subscription Deep($id: ID!) { trainingJobEvents(id: $id) { job { model { evaluation { perClass { label } } } } } }`;
const COSTLY = `subscription Costly($id: ID!) { trainingJobEvents(id: $id) { job { evaluation { perClass { label precision recall f1 support auPrc } confidenceMetrics { threshold precision recall f1 } } } } }`;
const SMALL = `subscription Small($id: ID!) { trainingJobEvents(id: $id) { sequence kind job { status } } }`;
const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }`;

const errorCodes = (results: Array<{ errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> }>) =>
  results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code);

/** Subscriptions over SSE obey what queries obey: depth, cost, CSRF, CORS; and the streams are bounded and closed on shutdown. */
describe('subscription limits', () => {
  let gw: RunningGateway;
  const root = temporaryDir('sse-limits-');

  beforeAll(async () => {
    await writeColourFolders(path.join(root, 'data', 'colours'), 6);
    gw = await startGateway({
      TRAINING_DATA_ROOT: path.join(root, 'data'),
      MODELS_DIR: path.join(root, 'models'),
      INFERENCE_WORKERS: '1',
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_COST: '60',
      MAX_SUBSCRIPTION_STREAMS: '1',
      CORS_ORIGINS: 'https://app.example',
    });
  });
  afterAll(() => gw?.close());

  it('refuses a subscription deeper than MAX_QUERY_DEPTH, as a query is refused', async () => {
    const results = await subscribeToEnd(gw.url, DEEP, { id: 'x' });
    expect(errorCodes(results)).toEqual(['QUERY_TOO_DEEP']);
    expect(results[0].data ?? null).toBeNull();
    const query = await gw.graphql(`query Deep { classes(first: 1) { edges { node { images(first: 1) { edges { node { id } } } } } } }`);
    expect(errorCodes([query.body])).toEqual(['QUERY_TOO_DEEP']);
  });

  it('refuses a subscription over MAX_QUERY_COST with QUERY_TOO_COMPLEX before it subscribes', async () => {
    const results = await subscribeToEnd(gw.url, COSTLY, { id: 'x' });
    expect(errorCodes(results)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(results[0].errors![0].message).toMatch(/exceeds the limit of 60/);
  });

  it('serves only subscriptions as event streams; validation and syntax errors come back in the stream with codes', async () => {
    expect(errorCodes(await subscribeToEnd(gw.url, '{ trainingJobs { id } }'))).toEqual(['BAD_REQUEST']);
    expect(errorCodes(await subscribeToEnd(gw.url, 'subscription { trainingJobEvents(id: "x") { nope } }'))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(errorCodes(await subscribeToEnd(gw.url, 'subscription {'))).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(errorCodes(await subscribeToEnd(gw.url, SMALL, { id: 42.5 }))).toEqual(['BAD_USER_INPUT']);
    // A client that prefers JSON gets JSON from the ordinary endpoint, even if it could take a stream.
    const json = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"query":"{ __typename }"}',
    });
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('applies CSRF prevention and the same CORS headers as queries', async () => {
    const get = await fetch(`${gw.url}?query=${encodeURIComponent(SMALL)}&variables=${encodeURIComponent('{"id":"x"}')}`, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    expect((await get.json()).errors[0].extensions.code).toBe('BAD_REQUEST');
    const named = await fetch(`${gw.url}?query=${encodeURIComponent(SMALL)}&variables=${encodeURIComponent('{"id":"x"}')}`, {
      headers: { accept: 'text/event-stream', 'apollo-require-preflight': 'true' },
    });
    expect(named.status).toBe(200);
    expect(await named.text()).toMatch(/event: next\ndata: .*TRAINING_JOB_NOT_FOUND[\s\S]*event: complete/);

    const origin = 'https://app.example';
    const query = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ query: '{ trainingJobs { id } }' }) });
    const stream = await openStream(gw.url, { query: SMALL, variables: { id: 'x' } }, { origin });
    await stream.ended;
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('access-control-allow-origin')).toBe(query.headers.get('access-control-allow-origin'));
    expect(stream.events.map((event) => event.event)).toEqual(['next', 'complete']);

    // An origin CORS_ORIGINS does not list is refused on both transports alike.
    const foreign = 'https://elsewhere.example';
    const foreignQuery = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: foreign },
      body: JSON.stringify({ query: '{ trainingJobs { id } }' }),
    });
    const foreignStream = await openStream(gw.url, { query: SMALL, variables: { id: 'x' } }, { origin: foreign });
    await foreignStream.ended;
    expect(foreignQuery.status).toBe(403);
    expect(foreignStream.response.status).toBe(403);
  });

  it('bounds the open streams (MAX_SUBSCRIPTION_STREAMS) and completes them on close without waiting for the job', async () => {
    // A job long enough to stay RUNNING while the streams are tested; closing the gateway stops it.
    const { body } = await gw.graphql(TRAIN, { input: { modelId: 'long', data: 'colours', epochs: 1000, batchSize: 1 } });
    const id = body.data.trainModel.id;

    const first = await openStream(gw.url, { query: SMALL, variables: { id } });
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get('x-accel-buffering')).toBe('no');
    await until(() => first.events.length > 0);
    expect(JSON.parse(first.events[0].data).data.trainingJobEvents.job.status).toMatch(/QUEUED|RUNNING/);

    const second = await openStream(gw.url, { query: SMALL, variables: { id } });
    expect(second.response.status).toBe(503);
    expect(second.response.headers.get('retry-after')).toBeTruthy();
    expect((await second.response.json()).errors[0].extensions.code).toBe('OVERLOADED');
    expect((await gw.metrics.subscriptionStreamsRefused.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'limit' }, value: 1 })]);
    expect((await gw.metrics.subscriptionStreams.get()).values[0].value).toBe(1);

    // A client that leaves frees its place.
    first.close();
    let third = await openStream(gw.url, { query: SMALL, variables: { id } });
    await until(async () => {
      if (third.response.status === 200) return true;
      third = await openStream(gw.url, { query: SMALL, variables: { id } });
      return false;
    });
    await until(() => third.events.length > 0);
    // The stream that left released its watcher on the job, not only its place.
    expect(gw.gateway.services.training.events.watching()).toBe(1);

    // Shutdown completes the open stream (a `complete` event, not a cut connection) and does not wait for the job.
    await gw.close();
    await third.ended;
    expect(third.events.at(-1)!.event).toBe('complete');
    expect(third.events.filter((event) => event.event === 'next').length).toBeGreaterThan(0);
  });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
