import '../fakes/bigquery/nativeClient';
import { loadConfig } from '../../src/config';
import { ErrorCode, GatewayError } from '../../src/errors';
import { ingestIntoBigQuery } from '../../src/ingest/bigqueryIngest';
import { detectDatasetLayout } from '../../src/ingest/datasetLayout';
import { GatewayMetrics } from '../../src/metrics';
import { createBigQueryClient, resolveDataset, type BigQuerySettings } from '../../src/store/bigquery/bigQueryConnection';
import { BigQueryStore } from '../../src/store/bigquery/BigQueryStore';
import { FakeBigQuery, type QueryRequestBody } from '../fakes/bigquery/FakeBigQuery';
import { HOSTILE_STRINGS } from './contract';
import { demoDataDir } from './contractData';
import { ReferenceAnswers } from './referenceAnswers';

/** How BigQueryStore copes with what BigQuery does: slow jobs, pages, transient and permanent failures. */

const ref = new ReferenceAnswers(demoDataDir);
let fake: FakeBigQuery;
let settings: BigQuerySettings;

const store = (overrides: Partial<BigQuerySettings> = {}, metrics?: GatewayMetrics) =>
  BigQueryStore.connect({ ...settings, ...overrides }, { baseRetryDelayMs: 10, maxRetryDelayMs: 50, metrics });

const jobsQueries = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/queries'));
const resultPolls = () => fake.requests.filter((r) => r.method === 'GET' && /\/queries\/[^/]+$/.test(r.path));

async function failure(work: Promise<unknown>): Promise<GatewayError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

beforeAll(async () => {
  fake = await FakeBigQuery.start();
  settings = { project: 'gateway-tests', dataset: 'behaviour', apiEndpoint: fake.url, timeoutMs: 20_000, maxRetries: 3 };
  await ingestIntoBigQuery(createBigQueryClient(settings), resolveDataset(settings.dataset, settings.project), detectDatasetLayout(demoDataDir));
});
afterAll(async () => fake?.stop());
beforeEach(() => fake.reset());

describe('reading results', () => {
  test('every page is read when the result spans several pages', async () => {
    const ids = ref.imageIds;
    // Without ORDER BY the row order may differ from run to run: compare as sets.
    const sorted = (rows: Array<{ imageId: string; label: string }>) => rows.map((r) => `${r.imageId} ${r.label}`).sort();
    const whole = await store().labelsOfImages(ids);
    fake.reset();
    fake.pageSize = 7;
    const paged = await store().labelsOfImages(ids);
    expect(sorted(paged)).toEqual(sorted(whole));
    expect(paged.length).toBe(ref.labelsOfImages(ids).length);
    expect(resultPolls().filter((r) => r.query.pageToken).length).toBe(Math.ceil(whole.length / 7) - 1);
  });

  test('a job still running (jobComplete: false) is polled until it completes', async () => {
    fake.incompletePolls = 3;
    const found = await store().findImages(ref.imageIds.slice(0, 5));
    expect([...found].sort()).toEqual(ref.findImages(ref.imageIds.slice(0, 5)));
    expect(jobsQueries()).toHaveLength(1);
    expect(resultPolls()).toHaveLength(4);
  });

  test('ping runs a trivial query', async () => {
    await expect(store().ping()).resolves.toBeUndefined();
    expect(jobsQueries()[0].body).toMatchObject({ query: 'SELECT 1 AS ok' });
  });

  test('BigQueryStore.create reads BIGQUERY_* from the gateway configuration (dataset without project)', async () => {
    const config = loadConfig({
      STORE: 'bigquery',
      BIGQUERY_PROJECT: 'gateway-tests',
      BIGQUERY_DATASET: 'behaviour',
      BIGQUERY_API_ENDPOINT: fake.url,
    });
    const created = await BigQueryStore.create(config);
    expect(await created.readCatalog()).toEqual(ref.catalog());
    expect(created.dataset.qualified).toBe('gateway-tests.behaviour');
  });
});

describe('transient failures are retried with backoff', () => {
  test.each([
    ['503 backendError', { kind: 'error' as const, status: 503, reason: 'backendError' }],
    ['429 rateLimitExceeded', { kind: 'error' as const, status: 429, reason: 'rateLimitExceeded' }],
    ['403 rateLimitExceeded', { kind: 'error' as const, status: 403, reason: 'rateLimitExceeded' }],
    ['500 internalError', { kind: 'error' as const, status: 500, reason: 'internalError' }],
  ])('%s twice, then the answer', async (_name, fault) => {
    fake.inject(fault, 2);
    const started = Date.now();
    const found = await store().findImages(ref.imageIds.slice(0, 3));
    expect([...found].sort()).toEqual(ref.findImages(ref.imageIds.slice(0, 3)));
    expect(jobsQueries()).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 + 10); // half of each backoff ceiling is fixed
  });

  test('a failure while polling or paging retries the whole query', async () => {
    fake.pageSize = 4;
    fake.inject({ kind: 'none' }, 2);
    fake.inject({ kind: 'error', status: 503, reason: 'backendError' });
    const ids = ref.imageIds.slice(0, 12);
    expect(await store().labelsOfImages(ids)).toHaveLength(ref.labelsOfImages(ids).length);
    expect(jobsQueries()).toHaveLength(2);
  });

  test('a persistent 500 gives BACKEND_ERROR after BIGQUERY_MAX_RETRIES retries', async () => {
    fake.inject({ kind: 'error', status: 500, reason: 'backendError' }, 100);
    const metrics = new GatewayMetrics();
    const error = await failure(store({ maxRetries: 2 }, metrics).findImages(['x']));
    expect(error.code).toBe(ErrorCode.BackendError);
    expect(error.extensions.code).toBe('BACKEND_ERROR');
    expect(jobsQueries()).toHaveLength(3);
    expect((await metrics.backendQueryErrors.get()).values[0].value).toBe(1);
  });
});

describe('permanent failures fail at once', () => {
  test.each([
    ['400 invalidQuery', 400, 'invalidQuery'],
    ['404 notFound', 404, 'notFound'],
    ['403 accessDenied', 403, 'accessDenied'],
  ])('%s', async (_name, status, reason) => {
    fake.inject({ kind: 'error', status, reason }, 10);
    const error = await failure(store().findImages(['x']));
    expect(error.code).toBe(ErrorCode.BackendError);
    expect(jobsQueries()).toHaveLength(1);
  });

  test('a dataset that does not exist (notFound from the query itself)', async () => {
    const error = await failure(store({ dataset: 'no_such_dataset' }).readCatalog());
    expect(error.code).toBe(ErrorCode.BackendError);
    expect(String((error.cause as Error | undefined)?.message)).toMatch(/404 notFound/);
    expect(jobsQueries()).toHaveLength(2); // the catalog's two queries, each tried once
  });

  test('a reply that is not JSON is a typed BACKEND_ERROR, not retried', async () => {
    fake.inject({ kind: 'malformed' });
    const error = await failure(store().findImages(['x']));
    expect(error.code).toBe(ErrorCode.BackendError);
    expect((error.cause as Error | undefined)?.name).toBe('MalformedResponseError');
    expect(jobsQueries()).toHaveLength(1);
  });

  test('a malformed later page fails the query instead of returning the first pages as complete', async () => {
    fake.pageSize = 3;
    fake.inject({ kind: 'none' });
    fake.inject({ kind: 'malformed' });
    const error = await failure(store().labelsOfImages(ref.imageIds));
    expect(error.code).toBe(ErrorCode.BackendError);
    expect((error.cause as Error | undefined)?.name).toBe('MalformedResponseError');
  });
});

describe('the deadline (BIGQUERY_TIMEOUT_MS) bounds the whole query', () => {
  // No clock is asserted (the machine may be busy): without the deadline the slow reply would arrive and succeed.
  test('a reply slower than the deadline gives BACKEND_TIMEOUT', async () => {
    fake.inject({ kind: 'slow', ms: 3000 });
    const error = await failure(store({ timeoutMs: 300 }).findImages(['x']));
    expect(error.code).toBe(ErrorCode.BackendTimeout);
  });

  test('retries stop at the deadline', async () => {
    fake.inject({ kind: 'error', status: 503, reason: 'backendError' }, 1000);
    const error = await failure(BigQueryStore.connect({ ...settings, timeoutMs: 400, maxRetries: 100 }, { baseRetryDelayMs: 40 }).findImages(['x']));
    expect(error.code).toBe(ErrorCode.BackendTimeout);
    expect(fake.requests.length).toBeLessThan(100);
  });

  test('a job that never completes is cancelled when the deadline passes', async () => {
    fake.incompletePolls = 1000;
    fake.incompletePollDelayMs = 40;
    const error = await failure(store({ timeoutMs: 300 }).findImages(['x']));
    fake.incompletePollDelayMs = 10;
    expect(error.code).toBe(ErrorCode.BackendTimeout);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel'))).toHaveLength(1);
  });
});

describe('queries and errors', () => {
  test('every query sends user input as typed named parameters, never inside the SQL text', async () => {
    const s = store();
    for (const text of HOSTILE_STRINGS) {
      await s.findImages([text]);
      await s.labelsOfImages([text]);
      await s.relationsOfImages([text]);
      await s.searchImages([text, 'other'], 'ALL', { offset: 3, limit: 7 });
      await s.imagesOfClasses([text], { offset: 0, limit: 5 });
      await s.searchRelations({ subject: text, relation: text, object: text }, { offset: 0, limit: 5 });
    }
    const bodies = jobsQueries().map((r) => r.body as QueryRequestBody);
    expect(bodies).toHaveLength(HOSTILE_STRINGS.length * 6);
    for (const body of bodies) {
      expect(body.useLegacySql).toBe(false);
      expect(body.parameterMode?.toUpperCase()).toBe('NAMED');
      expect(body.queryParameters?.length).toBeGreaterThan(0);
      for (const text of HOSTILE_STRINGS) {
        expect(body.query).not.toContain(text);
        expect(body.query).not.toContain(text.toLowerCase());
      }
    }
    const lookup = bodies.find((b) => b.query.includes('image_labels') && b.query.includes('UNNEST(@ids)'))!;
    expect(lookup.queryParameters).toEqual([
      { name: 'ids', parameterType: { type: 'ARRAY', arrayType: { type: 'STRING' } }, parameterValue: { arrayValues: [{ value: HOSTILE_STRINGS[0] }] } },
    ]);
    const search = bodies.find((b) => b.query.includes('HAVING'))!;
    expect(search.queryParameters).toEqual([
      { name: 'label_0', parameterType: { type: 'STRING' }, parameterValue: { value: HOSTILE_STRINGS[0] } },
      { name: 'label_1', parameterType: { type: 'STRING' }, parameterValue: { value: 'other' } },
      { name: 'offset', parameterType: { type: 'INT64' }, parameterValue: { value: '3' } },
      { name: 'window_end', parameterType: { type: 'INT64' }, parameterValue: { value: '10' } },
    ]);
  });

  test('an empty id list never reaches BigQuery; an empty label list in a parameter is typed', async () => {
    expect(await store().findImages([])).toEqual([]);
    expect(jobsQueries()).toHaveLength(0);
    const relations = await store().searchRelations({ subject: '%', relation: 'no-such-relation', object: '%' }, { offset: 0, limit: 5 });
    expect(relations).toEqual({ items: [], totalCount: 0 });
  });

  test('credentials never reach error messages', async () => {
    const secret = 's3cr3t-pass';
    const withPassword = store({ apiEndpoint: fake.url.replace('http://', `http://gateway:${secret}@`) });
    const transportError = await failure(withPassword.findImages(['x']));
    fake.inject({ kind: 'error', status: 403, reason: 'accessDenied', message: `Denied for Bearer ya29.${secret} (access_token=${secret})` });
    const apiError = await failure(store().findImages(['x']));
    for (const error of [transportError, apiError]) {
      const visible = JSON.stringify({ message: error.message, extensions: error.extensions, cause: (error.cause as Error | undefined)?.message, json: error });
      expect(visible).not.toContain(secret);
    }
    expect((apiError.cause as Error | undefined)?.message).toContain('[redacted]');
  });

  test('a closed store refuses queries', async () => {
    const s = store();
    await s.close();
    expect((await failure(s.findImages(['x']))).code).toBe(ErrorCode.BackendError);
    expect(jobsQueries()).toHaveLength(0);
  });
});
