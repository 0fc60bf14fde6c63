import { loadConfig } from '../../src/config';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { expectEveryErrorCoded } from './errorShape';

/** Expensive queries are refused with their own codes before the store sees a single query. */
let gw: RunningGateway;
const { maxQueryDepth } = loadConfig({});

beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw?.close());

/** `image { relations { subject { images { edges { node { relations { … } } } } } } } }`, exactly `depth` fields deep. */
function deepQuery(depth: number): string {
  const levels = ['relations', 'subject', 'images(first: 1)', 'edges', 'node'];
  const leafUnder = ['relation', 'label', 'totalCount', 'cursor', 'id'];
  const wrappers = levels.concat(levels, levels, levels).slice(0, depth - 2);
  let selection = leafUnder[(wrappers.length - 1) % levels.length];
  for (const field of wrappers.reverse()) selection = `${field} { ${selection} }`;
  return `{ image(id: "149fe5480869d8ab") { ${selection} } }`;
}

async function refusedBeforeTheStore(query: string): Promise<{ status: number; codes: string[]; body: any }> {
  const before = await gw.backendQueries();
  const { status, body } = await gw.graphql(query);
  expect(await gw.backendQueries()).toBe(before);
  expect(body.data).toBeUndefined();
  return { status, codes: expectEveryErrorCoded(body), body };
}

it('answers a query at the depth limit', async () => {
  const { body } = await gw.graphql(deepQuery(maxQueryDepth));
  expect(body.errors).toBeUndefined();
});

it('refuses a query deeper than the limit, before the store sees a query', async () => {
  const { status, body } = await refusedBeforeTheStore(deepQuery(maxQueryDepth + 1));
  expect(status).toBe(400);
  expect(body.errors).toEqual([expect.objectContaining({ message: `Query depth ${maxQueryDepth + 1} exceeds the limit of ${maxQueryDepth}.` })]);
});

it('counts depth through fragments too', async () => {
  const query = `query { image(id: "x") { ...R } }
    fragment R on Image { relations { subject { images(first: 1) { edges { node { ...S } } } } } }
    fragment S on Image { relations { subject { images(first: 1) { edges { node { relations { relation } } } } } } }`;
  const { body } = await refusedBeforeTheStore(query);
  expect(body.errors[0].message).toMatch(/^Query depth 13 exceeds/);
});

it('gives the depth refusal the code QUERY_TOO_DEEP', async () => {
  const { codes } = await refusedBeforeTheStore(deepQuery(maxQueryDepth + 1));
  expect(codes).toEqual(['QUERY_TOO_DEEP']);
});

it('refuses a too costly query with QUERY_TOO_COMPLEX', async () => {
  const { status, codes } = await refusedBeforeTheStore(`{ classes(first: 1000) { edges { node { images(first: 1000) { edges { node { classes { description } } } } } } } }`);
  expect(codes).toEqual(['QUERY_TOO_COMPLEX']);
  expect(status).toBe(400);
});

it('prices variables too', async () => {
  const query = `query($n: Int) { classes(first: $n) { edges { node { images(first: $n) { edges { node { classes { description } } } } } } } }`;
  const before = await gw.backendQueries();
  const small = await gw.graphql(query, { n: 2 });
  expect(small.body.errors).toBeUndefined();
  expect(await gw.backendQueries()).toBeGreaterThan(before);
  const big = await gw.graphql(query, { n: 1000 });
  expect(expectEveryErrorCoded(big.body)).toEqual(['QUERY_TOO_COMPLEX']);
});
