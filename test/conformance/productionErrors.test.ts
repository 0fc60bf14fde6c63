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
