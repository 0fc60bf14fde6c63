import { randomUUID } from 'node:crypto';
import { startGateway, type RunningGateway } from '../support/startGateway';

/**
 * Queries (Apollo) and subscriptions (the SSE route) share one pipeline: the /graphql middleware
 * chain (CORS, credentials, CSRF, body budgets, the document's shape) and one list of operation
 * checks (parse, validation, cost). Each row sends the same refused request over both transports and
 * expects the same code; a check added to one transport only fails here.
 */
interface Row {
  name: string;
  /** The selection asked of a training job: `trainingJob(id:)` for the query, `trainingJobEvents(id:) { job }` for the stream. */
  selection?: string;
  /** Whole documents instead of a selection (one for both transports, or one each). */
  document?: string | { query: string; subscription: string };
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  code: string;
  /** Refused by the middleware before GraphQL runs: the HTTP answer (status included) is the same too. */
  status?: number;
}

const DEEP = {
  query: 'query Deep { classes(first: 1) { edges { node { images(first: 1) { edges { node { id } } } } } } }',
  subscription: 'subscription Deep($id: ID!) { trainingJobEvents(id: $id) { job { model { evaluation { perClass { label } } } } } }',
};
const COSTLY = 'evaluation { perClass { label precision recall } }';

const ROWS: Row[] = [
  { name: 'deeper than MAX_QUERY_DEPTH', document: DEEP, code: 'QUERY_TOO_DEEP' },
  { name: 'costlier than MAX_QUERY_COST', selection: COSTLY, code: 'QUERY_TOO_COMPLEX' },
  { name: 'a field the schema lacks', selection: 'status nope', code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'a variable that does not coerce', selection: 'status', variables: { id: 42.5 }, code: 'BAD_USER_INPUT' },
  { name: 'more tokens than MAX_QUERY_TOKENS', selection: 'status '.repeat(250), code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'a syntax error', document: 'subscription {', code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'more aliases than MAX_QUERY_ALIASES', selection: Array.from({ length: 4 }, (_, i) => `s${i}: status`).join(' '), code: 'QUERY_TOO_COMPLEX', status: 400 },
  { name: 'a field repeated over MAX_SELECTION_REPEATS', selection: 'status '.repeat(6), code: 'QUERY_TOO_COMPLEX', status: 400 },
  { name: 'a GET without a CSRF preflight header', selection: 'status', method: 'GET', code: 'BAD_REQUEST', status: 400 },
  { name: 'a form content-type without a CSRF preflight header', selection: 'status', headers: { 'content-type': 'text/plain' }, code: 'BAD_REQUEST', status: 400 },
  { name: 'an origin CORS_ORIGINS does not list', selection: 'status', headers: { origin: 'https://elsewhere.example' }, code: 'FORBIDDEN_ORIGIN', status: 403 },
  { name: 'a credential that is refused', selection: 'status', headers: { authorization: 'Bearer not-a-token' }, code: 'UNAUTHENTICATED', status: 401 },
];

const asQuery = (row: Row) => (typeof row.document === 'object' ? row.document.query : row.document) ?? `query Job($id: ID!) { trainingJob(id: $id) { ${row.selection} } }`;
const asSubscription = (row: Row) =>
  (typeof row.document === 'object' ? row.document.subscription : row.document) ?? `subscription Job($id: ID!) { trainingJobEvents(id: $id) { job { ${row.selection} } } }`;

describe('queries and subscriptions pass the same checks', () => {
  let gw: RunningGateway;

  beforeAll(async () => {
    gw = await startGateway({
      MAX_QUERY_DEPTH: '5',
      MAX_QUERY_COST: '10',
      MAX_QUERY_TOKENS: '200',
      MAX_QUERY_ALIASES: '3',
      MAX_SELECTION_REPEATS: '5',
      CORS_ORIGINS: 'https://app.example',
    });
  });
  afterAll(() => gw?.close());

  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const query = await send(gw.url, row, asQuery(row), false);
    const stream = await send(gw.url, row, asSubscription(row), true);
    expect({ query: query.code, stream: stream.code }).toEqual({ query: row.code, stream: row.code });
    if (row.status !== undefined) expect({ query: query.status, stream: stream.status }).toEqual({ query: row.status, stream: row.status });
  });

  it('lets the same small operation through on both (the rows above are refusals, not a transport that refuses everything)', async () => {
    const row: Row = { name: 'small', selection: 'status', headers: { 'apollo-require-preflight': 'true' }, code: '' };
    const query = await send(gw.url, row, asQuery(row), false);
    const stream = await send(gw.url, row, asSubscription(row), true);
    // Each resolver's own answer to an unknown job: null for the query, an error event for the stream.
    expect(query).toEqual({ status: 200, code: undefined });
    expect(stream).toEqual({ status: 200, code: 'TRAINING_JOB_NOT_FOUND' });
  });
});

/** Sends the operation as a JSON POST (or a GET), asking for an event stream or not; the first error's code, in the JSON answer or the stream's first event. */
async function send(url: string, row: Row, document: string, eventStream: boolean): Promise<{ status: number; code: unknown }> {
  const variables = row.variables ?? { id: randomUUID() };
  const accept: Record<string, string> = eventStream ? { accept: 'text/event-stream' } : {};
  const response =
    row.method === 'GET'
      ? await fetch(`${url}?${new URLSearchParams({ query: document, variables: JSON.stringify(variables) })}`, { headers: { ...accept, ...row.headers } })
      : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...accept, ...row.headers }, body: JSON.stringify({ query: document, variables }) });
  const text = await response.text();
  const body = response.headers.get('content-type')?.startsWith('text/event-stream') ? /^event: next\ndata: (.*)$/m.exec(text)?.[1] : text;
  const errors = (JSON.parse(body ?? '{}') as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors;
  return { status: response.status, code: errors?.[0]?.extensions?.code };
}
