import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { expectEveryErrorCoded } from './errorShape';
import { FailingStore, INTERNAL_DETAIL } from './failingStore';

/** What clients see of failures: always a code; in production never a stack trace or an internal message. */

const STACK_LINE = /\bat \S+ \(|node_modules|\/src\//;

describe('production (NODE_ENV=production)', () => {
  let gw: RunningGateway;
  let failing: RunningGateway;

  beforeAll(async () => {
    [gw, failing] = await Promise.all([startGateway({ NODE_ENV: 'production' }), startGateway({ NODE_ENV: 'production' }, { store: new FailingStore() })]);
  });
  afterAll(() => Promise.all([gw?.close(), failing?.close()]));

  it('masks an unexpected failure: INTERNAL_SERVER_ERROR, a generic message, no stack, no detail', async () => {
    const { status, body } = await failing.graphql('query Broken { searchRelations(first: 1) { totalCount } }');
    expect(status).toBe(200);
    expect(expectEveryErrorCoded(body)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(body.errors[0].message).toBe('Internal server error');
    const text = JSON.stringify(body);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toMatch(/stacktrace/i);
    expect(text).not.toMatch(STACK_LINE);
  });

  it.each([
    ['a document that does not parse', '{ classes(first: 1) {', undefined, 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field', '{ nope }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
  ])('%s: 400, a code and no stack', async (_case, query, variables, code) => {
    const { status, body } = await gw.graphql(query, variables);
    expect(status).toBe(400);
    expect(expectEveryErrorCoded(body)).toEqual([code]);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace/i);
    expect(JSON.stringify(body)).not.toMatch(STACK_LINE);
  });

  const badVariables: Array<[string, string, Record<string, unknown>]> = [
    ['a variable of the wrong type', 'query($n: Int) { classes(first: $n) { totalCount } }', { n: 'many' }],
    ['a variable that is missing', 'query($id: ID!) { image(id: $id) { id } }', {}],
  ];

  it.each(badVariables)('%s: a code and no stack', async (_case, query, variables) => {
    const { body } = await gw.graphql(query, variables);
    expectEveryErrorCoded(body);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace/i);
    expect(JSON.stringify(body)).not.toMatch(STACK_LINE);
  });

  it.each(badVariables)('%s: 400 BAD_USER_INPUT', async (_case, query, variables) => {
    const { status, body } = await gw.graphql(query, variables);
    expect(expectEveryErrorCoded(body)).toEqual(['BAD_USER_INPUT']);
    expect(status).toBe(400);
  });

  it('a body that is not JSON: 400 with a code and no stack', async () => {
    const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename' });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(expectEveryErrorCoded(body)).toEqual(['BAD_REQUEST']);
    expect(JSON.stringify(body)).not.toMatch(STACK_LINE);
  });

  it('a CSRF refusal has a code', async () => {
    const response = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(expectEveryErrorCoded(await response.json())).toEqual(['BAD_REQUEST']);
  });
});

describe('development', () => {
  it('shows the same unexpected failure in full, so the masking above is what production adds', async () => {
    const failing = await startGateway({ NODE_ENV: 'development' }, { store: new FailingStore() });
    try {
      const { body } = await failing.graphql('{ searchRelations(first: 1) { totalCount } }');
      expect(expectEveryErrorCoded(body)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(body.errors[0].message).toContain(INTERNAL_DETAIL);
      expect(body.errors[0].extensions.stacktrace.length).toBeGreaterThan(0);
    } finally {
      await failing.close();
    }
  });
});

describe('job errors, embeddings and model load failures name no file contents, paths or library text in production', () => {
  const TRAIN = 'mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }';
  const JOB = 'query($id: ID!) { trainingJob(id: $id) { id status error errorCode } }';
  const SIMILAR = 'query($file: Upload!) { similarImages(file: $file, first: 1) { path } }';
  let root: string;

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'masked-'));
    fs.mkdirSync(path.join(root, 'data'));
    // Not a CSV, but a file someone may well keep under TRAINING_DATA_ROOT.
    fs.writeFileSync(path.join(root, 'data', 'notes.txt'), 'DB_PASSWORD=hunter2\nAPI_KEY=abc\n');
    fs.writeFileSync(path.join(root, 'broken.parquet'), 'this is not a parquet file');
    fs.mkdirSync(path.join(root, 'models', 'broken'), { recursive: true });
    fs.writeFileSync(path.join(root, 'models', 'broken', 'model.json'), 'not json {');
    fs.writeFileSync(path.join(root, 'models', 'broken', 'labels.txt'), 'a\nb\n');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function failedJob(gw: RunningGateway) {
    const { body } = await gw.graphql(TRAIN, { input: { modelId: 'notes', csv: 'notes.txt' } });
    expect(body.errors).toBeUndefined();
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const job = (await gw.graphql(JOB, { id: body.data.trainModel.id })).body.data.trainingJob;
      if (job.status === 'FAILED') return job;
    }
    throw new Error('the job did not fail');
  }

  // Anonymous callers may train here, so that the job runs without a credential.
  const env = (nodeEnv: string) => ({
    NODE_ENV: nodeEnv,
    ANONYMOUS_SCOPES: 'read,classify,train',
    TRAINING_DATA_ROOT: path.join(root, 'data'),
    MODELS_DIR: path.join(root, 'models'),
    EMBEDDINGS: path.join(root, 'broken.parquet'),
    INFERENCE_WORKERS: '1',
  });

  it('production: a safe message with a code and the job id; development: the detail', async () => {
    const production = await startGateway(env('production'));
    try {
      const job = await failedJob(production);
      expect(job).toMatchObject({ errorCode: 'TRAINING_DATA_INVALID' });
      expect(job.error).toBe(`The training data could not be read: line 1 of the CSV is not \`split,path,label\` (see the gateway log, job ${job.id})`);
      expect(job.error).not.toContain('DB_PASSWORD');
      expect(job.error).not.toContain(root);

      const { body } = await postMultipart(production.url, SIMILAR, [{ filename: 'q.jpg', bytes: Buffer.from('x') }], { variable: 'file', single: true });
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'EMBEDDINGS_UNAVAILABLE' }, message: 'The embeddings file cannot be searched (see the gateway log).' });
      expect(JSON.stringify(body)).not.toContain(root);

      const { body: models } = await production.graphql('{ models { id status error } }');
      expect(models.data.models).toEqual([{ id: 'broken', status: 'FAILED', error: 'Model "broken" could not be loaded (see the gateway log).' }]);
    } finally {
      await production.close();
    }
    const development = await startGateway(env('development'));
    try {
      const job = await failedJob(development);
      expect(job).toMatchObject({ errorCode: 'TRAINING_DATA_INVALID', error: expect.stringContaining('DB_PASSWORD') });
      const { body } = await postMultipart(development.url, SIMILAR, [{ filename: 'q.jpg', bytes: Buffer.from('x') }], { variable: 'file', single: true });
      expect(body.errors[0].message).toContain(path.join(root, 'broken.parquet'));
      const { body: models } = await development.graphql('{ models { id status error } }');
      expect(models.data.models[0].error).toMatch(/^Model "broken" could not be loaded: model\.json/);
    } finally {
      await development.close();
    }
  });
});
