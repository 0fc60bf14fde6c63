import fs from 'node:fs';
import path from 'node:path';
import { startGateway, type RunningGateway } from '../support/startGateway';

/**
 * Queries that cost the gateway far more than they cost the client (issue 10, cases 1-3 and 6):
 * refused before they run, or answered within bounded work. Each of these hung or blew up before.
 */

const DEMO_CLASSES = fs
  .readFileSync(path.join(__dirname, '..', '..', 'src', 'store', 'demo', 'classes.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',')[1]);

/** `{ ...Fn }` where each fragment spreads the one before twice: 2^n fields once expanded, 1.9 KB at n = 30. */
function fragmentFanOut(levels: number): string {
  let document = `{ ...F${levels} }\nfragment F0 on Query { relationTypes { name } }\n`;
  for (let i = 1; i <= levels; i++) document += `fragment F${i} on Query { ...F${i - 1} a: relationTypes { name } ...F${i - 1} }\n`;
  return document;
}

describe('query abuse (development)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({});
  });
  afterAll(() => gw?.close());

  test('case 1: fragment fan-out is refused at once and /healthz answers meanwhile (before: 23 s of blocked event loop at 24 levels, then a BAD_USER_INPUT)', async () => {
    const query = fragmentFanOut(22);
    expect(query.length).toBeLessThan(2100);
    const queriesBefore = await gw.backendQueries();
    const [answer, health] = await Promise.all([gw.graphql(query), fetch(new URL('/healthz', gw.url)).then((r) => r.status)]);
    expect(health).toBe(200);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(await gw.backendQueries()).toBe(queriesBefore);
  }, 60_000);

  test('case 1: documents over the token, alias or repeat limits are refused before validation', async () => {
    const tokens = await gw.graphql(`{ relationTypes { ${'name '.repeat(6000)} } }`);
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0].message).toMatch(/more tha[nt] 5000 tokens/);

    const aliases = await gw.graphql(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: relationTypes { name }`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');

    const repeats = await gw.graphql(`{ ${'relationTypes { name } '.repeat(21)} }`);
    expect(repeats.status).toBe(400);
    expect(repeats.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');

    const fine = await gw.graphql(`{ ${'relationTypes { name } '.repeat(3)} a: relationTypes { name } }`);
    expect(fine.body.errors).toBeUndefined();
  });

  test('case 2: totals and first: 0 cost something; a list argument counts by its length (before: 60 such aliases ran for 49 s)', async () => {
    const names = JSON.stringify(DEMO_CLASSES.slice(0, 25));
    const queriesBefore = await gw.backendQueries();
    const query = `{ ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `a${i}: searchImages(classes: ${names}, first: 0) { totalCount }`).join(' ')} }`;
    const { status, body } = await gw.graphql(query);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(await gw.backendQueries()).toBe(queriesBefore);

    const one = await gw.graphql(`{ searchImages(classes: ${names}, first: 0) { totalCount } }`);
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data.searchImages.totalCount).toBeGreaterThan(0);
  });

  test('case 2: a first outside 0-1000 is BAD_USER_INPUT (the contract), not QUERY_TOO_COMPLEX', async () => {
    const { body } = await gw.graphql('{ classes(first: 100000000) { totalCount edges { node { label } } } }');
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toMatch(/between 0 and 1000/);
  });

  test('case 3: errors quote a short prefix of client input; 150 aliases over a 1 MB variable stay small (before: 448 MB, then HTTP 500)', async () => {
    const big = 'x'.repeat(900 * 1024); // under the 1 MB JSON body limit
    const one = await gw.graphql('query($s: ID!) { trainingJob(id: $s) { id } }', { s: big });
    expect(one.body.errors[0].extensions.code).toBe('BAD_USER_INPUT'); // not a job id
    expect(JSON.stringify(one.body).length).toBeLessThan(2000);

    // Under the alias limit, many fields over one variable: each error still quotes a prefix only.
    const fields = Array.from({ length: 20 }, (_, i) => `j${i}: trainingJob(id: $s) { id }`).join(' ');
    const many = await gw.graphql(`query($s: ID!) { ${fields} }`, { s: big });
    expect(many.status).toBe(200);
    expect(many.body.errors).toHaveLength(20);
    expect(JSON.stringify(many.body).length).toBeLessThan(20 * 2000);

    // graphql-js's own coercion errors echo the whole value; the formatter cuts them too.
    const coercion = await gw.graphql('query($n: Int!) { classes(first: $n) { totalCount } }', { n: big });
    expect(coercion.status).toBe(400);
    expect(JSON.stringify(coercion.body).length).toBeLessThan(5000);
  });
});

describe('responses over MAX_RESPONSE_BYTES', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ MAX_RESPONSE_BYTES: '1024' });
  });
  afterAll(() => gw?.close());

  test('case 3: become a RESPONSE_TOO_LARGE error, not a 500', async () => {
    const { status, body } = await gw.graphql('{ classes(first: 100) { edges { node { label description imageCount } } } }');
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'RESPONSE_TOO_LARGE' }) })]);
    const small = await gw.graphql('{ relationTypes { name } }');
    expect(small.body.errors).toBeUndefined();
  });
});

describe('production', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'production' });
  });
  afterAll(() => gw?.close());

  test('case 6: no introspection and no "Did you mean" suggestions', async () => {
    const schema = await gw.graphql('{ __schema { types { name } } }');
    expect(schema.body.data).toBeUndefined();
    expect(schema.body.errors[0].message).toMatch(/introspection/i);
    const typo = await gw.graphql('{ relationType { name } }');
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
    expect(typo.body.errors[0].message).not.toMatch(/relationTypes/);
  });

  test('case 6: the playground page says introspection is off instead of a broken IDE', async () => {
    const page = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/INTROSPECTION=true/);
  });

  test('the limits hold in production too', async () => {
    const { body } = await gw.graphql(fragmentFanOut(22));
    expect(body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    const range = await gw.graphql('{ classes(first: 100000000) { totalCount } }');
    expect(range.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});

describe('production with INTROSPECTION=true', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ NODE_ENV: 'production', INTROSPECTION: 'true' });
  });
  afterAll(() => gw?.close());

  test('case 6: introspection and the playground work', async () => {
    const schema = await gw.graphql('{ __schema { queryType { name } } }');
    expect(schema.body.data.__schema.queryType.name).toBe('Query');
    const page = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('graphiql');
  });
});
