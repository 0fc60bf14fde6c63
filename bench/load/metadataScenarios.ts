import { graphqlRequest, post, type BenchRequest, type Scenario } from '../support/autocannonRun';

/** The metadata scenarios of bench:load: a mix of lookups and searches on ids and names the dataset holds. */
const IMAGE = `query Image($id: ID!) { image(id: $id) { id url classes { label description } relations { relation subject { description } object { description } } } }`;
const IMAGES = `query Images($ids: [ID!]!) { images(ids: $ids) { id classes { description } } }`;
const SEARCH_IMAGES = `query SearchImages($classes: [String!]!) { searchImages(classes: $classes, first: 10) { totalCount edges { node { id classes { description } } } } }`;
const SEARCH_RELATIONS = `query SearchRelations($relation: String!) { searchRelations(relation: $relation, first: 10) { totalCount edges { node { image { id } subject { description } object { description } } } } }`;
const CLASSES = `query Classes($search: String) { classes(search: $search, first: 20) { totalCount edges { node { label description imageCount } } } }`;

/** Real ids and names, asked of the gateway itself, so the mix works on any dataset. */
export interface Sample {
  imageIds: string[];
  classes: string[];
  relations: string[];
}

function metadataMix(sample: Sample): BenchRequest[] {
  const requests: BenchRequest[] = [];
  sample.imageIds.slice(0, 8).forEach((id, i) => {
    requests.push(graphqlRequest(IMAGE, { id }));
    const pair = [sample.classes[i % sample.classes.length], sample.classes[(i + 1) % sample.classes.length]];
    requests.push(graphqlRequest(SEARCH_IMAGES, { classes: pair }));
    if (i % 2 === 0) requests.push(graphqlRequest(SEARCH_RELATIONS, { relation: sample.relations[i % sample.relations.length] }));
  });
  requests.push(graphqlRequest(IMAGES, { ids: sample.imageIds.slice(0, 10) }));
  requests.push(graphqlRequest(CLASSES, { search: sample.classes[0].slice(0, 2) }));
  return requests;
}

/** Scenario names, so that main() knows which need the dataset sample before they can be built. */
export const METADATA_SCENARIOS = ['metadata-mix c=1', 'metadata-mix c=10', 'metadata-mix c=50', 'image-lookup c=10'];

export function metadataScenarios(sample: Sample, durationSeconds: number): Scenario[] {
  const mix = metadataMix(sample);
  const lookups = sample.imageIds.slice(0, 16).map((id) => graphqlRequest(IMAGE, { id }));
  return [
    { name: METADATA_SCENARIOS[0], connections: 1, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[1], connections: 10, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[2], connections: 50, durationSeconds, requests: mix },
    { name: METADATA_SCENARIOS[3], connections: 10, durationSeconds, requests: lookups },
  ];
}

/** Real ids and names, asked of the gateway itself. */
export async function discoverSample(url: string): Promise<Sample> {
  const { data } = await post(url, graphqlRequest(`{ classes(first: 20) { edges { node { description } } } relationTypes { name } }`));
  const classes: string[] = data.classes.edges.map((e: any) => e.node.description);
  const relations: string[] = data.relationTypes.map((r: any) => r.name);
  const found = await post(url, graphqlRequest(`query($c: [String!]!) { searchImages(classes: $c, first: 50) { edges { node { id } } } }`, { c: classes }));
  const imageIds: string[] = found.data.searchImages.edges.map((e: any) => e.node.id);
  if (imageIds.length === 0 || relations.length === 0) throw new Error('the dataset has no images or no relations to benchmark');
  return { imageIds, classes, relations };
}
