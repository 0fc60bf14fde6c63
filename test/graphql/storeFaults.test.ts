import '../fakes/bigquery/nativeClient';
import { ingestIntoBigQuery } from '../../src/ingest/bigqueryIngest';
import { detectDatasetLayout } from '../../src/ingest/datasetLayout';
import { demoDataDir } from '../../src/paths';
import { createBigQueryClient, resolveDataset } from '../../src/store/bigquery/bigQueryConnection';
import { FakeBigQuery } from '../fakes/bigquery/FakeBigQuery';
import { startGateway, type RunningGateway } from '../support/startGateway';

/**
 * The whole gateway on STORE=bigquery, with the loopback BigQuery fake failing on purpose: a failing
 * store query answers a typed error for the fields it feeds, the other fields still resolve, retries
 * absorb transient faults, and the server keeps serving.
 */
let fake: FakeBigQuery;
let gw: RunningGateway;
let imageId: string;

beforeAll(async () => {
  fake = await FakeBigQuery.start();
  const settings = { project: 'gateway-tests', dataset: 'openimages', apiEndpoint: fake.url, timeoutMs: 30_000, maxRetries: 0 };
  await ingestIntoBigQuery(createBigQueryClient(settings), resolveDataset(settings.dataset, settings.project), detectDatasetLayout(demoDataDir()));
  gw = await startGateway({
    STORE: 'bigquery',
    BIGQUERY_PROJECT: 'gateway-tests',
    BIGQUERY_DATASET: 'gateway-tests.openimages',
    BIGQUERY_API_ENDPOINT: fake.url,
    BIGQUERY_MAX_RETRIES: '2',
    BIGQUERY_TIMEOUT_MS: '2500',
  });
  const found = await gw.graphql('{ searchImages(classes: ["Cat"], first: 1) { edges { node { id } } } }');
  imageId = found.body.data.searchImages.edges[0].node.id;
});
afterEach(() => fake.reset());
afterAll(async () => {
  await gw?.close();
  await fake?.stop();
});

const QUERY = `query($id: ID!) { relationTypes { name } image(id: $id) { id } }`;

it('serves the same answers as DuckDB through the whole gateway', async () => {
  const { body } = await gw.graphql(`query($id: ID!) { image(id: $id) { id classes { description } relations { subject { description } relation object { description } } } }`, {
    id: imageId,
  });
  expect(body.errors).toBeUndefined();
  expect(body.data.image.classes.map((c: any) => c.description)).toContain('Cat');
  const local = await startGateway();
  try {
    const same = await local.graphql(`query($id: ID!) { image(id: $id) { id classes { description } relations { subject { description } relation object { description } } } }`, {
      id: imageId,
    });
    expect(body.data).toEqual(same.body.data);
  } finally {
    await local.close();
  }
});

it('retries transient faults (503, 429 rate limit) and answers', async () => {
  fake.inject({ kind: 'error', status: 503, reason: 'backendError' });
  fake.inject({ kind: 'error', status: 429, reason: 'rateLimitExceeded' });
  const { body } = await gw.graphql(QUERY, { id: imageId });
  expect(body.errors).toBeUndefined();
  expect(body.data.image).toEqual({ id: imageId });
});

it('a persistent 500 fails only the fields that need the store, with BACKEND_ERROR', async () => {
  fake.inject({ kind: 'error', status: 500, reason: 'backendError' }, 10);
  const { status, body } = await gw.graphql(QUERY, { id: imageId });
  expect(status).toBe(200);
  expect(body.data.relationTypes.length).toBeGreaterThan(0); // served from the catalog
  expect(body.data.image).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]).toMatchObject({ path: ['image'], extensions: { code: 'BACKEND_ERROR', backend: 'bigquery' } });
});

it('malformed pages answer a typed error, not a crash', async () => {
  fake.inject({ kind: 'malformed' }, 10);
  const { body } = await gw.graphql(QUERY, { id: imageId });
  expect(body.data.image).toBeNull();
  expect(['BACKEND_ERROR', 'BACKEND_TIMEOUT']).toContain(body.errors[0].extensions.code);
});

it('a store slower than BIGQUERY_TIMEOUT_MS answers BACKEND_TIMEOUT', async () => {
  fake.inject({ kind: 'slow', ms: 4000 }, 5);
  // No timing is asserted (the machine may be busy): without the deadline the slow answer would arrive, with data.
  const { body } = await gw.graphql(QUERY, { id: imageId });
  expect(body.data.image).toBeNull();
  expect(body.errors[0].extensions.code).toBe('BACKEND_TIMEOUT');
});

it('keeps serving after all of it', async () => {
  const { body } = await gw.graphql(QUERY, { id: imageId });
  expect(body.errors).toBeUndefined();
  expect(body.data.image).toEqual({ id: imageId });
});
