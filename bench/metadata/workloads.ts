import type { MetadataStore } from '../../src/store/MetadataStore';
import type { TimedCall } from './latency';
import { syntheticImageId, type SyntheticNames, type SyntheticSize } from './syntheticDataset';

/** The query types measured, through the store API and through GraphQL over HTTP. */

export type Workload = TimedCall;

const LOOKUP_TARGET_MS = 20;
const SEARCH_TARGET_MS = 100;
const FIRST = { offset: 0, limit: 10 };

/** Inputs that change from call to call, so that no answer is served from a warm cache of the same query. */
function inputs(data: SyntheticNames, size: SyntheticSize) {
  const rare = (k: number) => size.classes - 1 - k;
  const frequentSets = [
    [0, 1, 2],
    [1, 2, 3],
    [0, 3, 4],
  ];
  const rareSets = [
    [rare(0), rare(1), rare(2)],
    [rare(3), rare(4), rare(5)],
    [rare(6), rare(7), rare(8)],
  ];
  const ids = (i: number, count: number) => Array.from({ length: count }, (_, k) => syntheticImageId((((i * 104_729 + k * 7919 + 13) % size.images) + size.images) % size.images));
  const pick = (sets: number[][], i: number, n: number, to: (rank: number) => string) => sets[i % sets.length].slice(0, n).map(to);
  return {
    ids,
    frequent: (i: number, n: number, to = data.labelOf) => pick(frequentSets, i, n, to),
    rare: (i: number, n: number, to = data.labelOf) => pick(rareSets, i, n, to),
    classSlice: (i: number) => [data.labelOf(i % 5), data.labelOf(20 + (i % 50)), data.labelOf(rare(i % 9))],
    subjectPattern: (i: number) => `class 0000${i % 10}%`,
    objectPattern: (i: number) => `class 00${String(i % 60).padStart(2, '0')}%`,
  };
}

export function storeWorkloads(store: MetadataStore, data: SyntheticNames, size: SyntheticSize): Workload[] {
  const x = inputs(data, size);
  const lookups = (n: number): Workload[] => [
    { name: `findImages x${n}`, targetP95: LOOKUP_TARGET_MS, call: (i) => store.findImages(x.ids(i, n)) },
    { name: `labelsOfImages x${n}`, targetP95: LOOKUP_TARGET_MS, call: (i) => store.labelsOfImages(x.ids(i, n)) },
    { name: `relationsOfImages x${n}`, targetP95: LOOKUP_TARGET_MS, call: (i) => store.relationsOfImages(x.ids(i, n)) },
  ];
  return [
    ...lookups(1),
    ...lookups(100),
    { name: 'searchImages 1 frequent class, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages(x.frequent(i, 1), 'ANY', FIRST) },
    { name: 'searchImages ANY frequent, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages(x.frequent(i, 3), 'ANY', FIRST) },
    { name: 'searchImages ALL frequent, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages(x.frequent(i, 2), 'ALL', FIRST) },
    { name: 'searchImages ANY rare, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages(x.rare(i, 3), 'ANY', FIRST) },
    { name: 'searchImages ALL rare, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages(x.rare(i, 2), 'ALL', FIRST) },
    { name: 'searchImages ALL frequent+rare, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.searchImages([...x.frequent(i, 1), ...x.rare(i, 1)], 'ALL', FIRST) },
    { name: 'imagesOfClasses x3, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => store.imagesOfClasses(x.classSlice(i), FIRST) },
    {
      name: 'searchRelations subject%, on, first 10',
      targetP95: SEARCH_TARGET_MS,
      call: (i) => store.searchRelations({ subject: x.subjectPattern(i), relation: 'on', object: '%' }, FIRST),
    },
    {
      name: 'searchRelations %, %, object%, first 10',
      targetP95: SEARCH_TARGET_MS,
      call: (i) => store.searchRelations({ subject: '%', relation: '%', object: x.objectPattern(i) }, FIRST),
    },
    { name: 'readCatalog', call: () => store.readCatalog() },
  ];
}

export function graphqlWorkloads(url: string, data: SyntheticNames, size: SyntheticSize): Workload[] {
  const x = inputs(data, size);
  const post = async (query: string, variables: Record<string, unknown>) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await response.json()) as { errors?: Array<{ message: string }> };
    if (!response.ok || body.errors) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors)}`);
    return body;
  };
  const images = 'query($ids: [ID!]!) { images(ids: $ids) { id classes { label description } relations { relation } } }';
  const search = 'query($c: [String!]!, $m: MatchMode) { searchImages(classes: $c, match: $m, first: 10) { totalCount edges { node { id } } } }';
  const classImages = 'query($l: ID) { class(label: $l) { description images(first: 10) { totalCount edges { node { id } } } } }';
  const relations = 'query($s: String, $o: String) { searchRelations(subject: $s, relation: "on", object: $o, first: 10) { totalCount edges { node { relation } } } }';
  return [
    { name: 'GraphQL images x1 (+classes, relations)', targetP95: LOOKUP_TARGET_MS, call: (i) => post(images, { ids: x.ids(i, 1) }) },
    { name: 'GraphQL images x100 (+classes, relations)', targetP95: LOOKUP_TARGET_MS, call: (i) => post(images, { ids: x.ids(i, 100) }) },
    { name: 'GraphQL searchImages ANY frequent, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => post(search, { c: x.frequent(i, 3, data.descriptionOf), m: 'ANY' }) },
    { name: 'GraphQL searchImages ALL frequent, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => post(search, { c: x.frequent(i, 2, data.descriptionOf), m: 'ALL' }) },
    { name: 'GraphQL searchImages ANY rare, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => post(search, { c: x.rare(i, 3, data.descriptionOf), m: 'ANY' }) },
    { name: 'GraphQL class.images, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => post(classImages, { l: x.classSlice(i)[i % 3] }) },
    { name: 'GraphQL searchRelations, first 10', targetP95: SEARCH_TARGET_MS, call: (i) => post(relations, { s: x.subjectPattern(i), o: '%' }) },
  ];
}
