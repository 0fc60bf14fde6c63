import '../fakes/bigquery/nativeClient';
import fs from 'node:fs';
import path from 'node:path';
import { BigQueryVectorSearch } from '../../src/embeddings/bigquery/BigQueryVectorSearch';
import { loadEmbeddingsTable } from '../../src/embeddings/bigquery/loadEmbeddingsTable';
import { cosineTopK, normalize } from '../../src/embeddings/cosineTopK';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { readVectorColumn, writeEmbeddingsParquet } from '../../src/embeddings/embeddingsParquet';
import { gaussian, seededRandom } from '../../src/embeddings/random';
import { ingestIntoBigQuery } from '../../src/ingest/bigqueryIngest';
import { detectDatasetLayout } from '../../src/ingest/datasetLayout';
import { initBackend } from '../../src/models/tfBackend';
import { demoDataDir } from '../../src/paths';
import { createBigQueryClient, resolveDataset } from '../../src/store/bigquery/bigQueryConnection';
import { FakeBigQuery } from '../fakes/bigquery/FakeBigQuery';
import { postMultipart } from '../support/multipart';
import { startGateway } from '../support/startGateway';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { colourImage, temporaryDir, writeColourFolders } from '../training/support/images';

/**
 * similarImages on STORE=bigquery: the Parquet loaded into a BigQuery table by the real client (load
 * job), searched with parameterised VECTOR_SEARCH SQL that the fake runs as an exact search.
 */
const KNOWN_ID = '149fe5480869d8ab';
let fake: FakeBigQuery;
const root = temporaryDir('bq-similar-');
const settings = () => ({ project: 'gateway-tests', dataset: 'openimages', apiEndpoint: fake.url, timeoutMs: 30_000, maxRetries: 1 });

beforeAll(async () => {
  fake = await FakeBigQuery.start();
});
afterAll(() => fake?.stop());

it('finds the same nearest rows as exact search, sending the query vector as an ARRAY<FLOAT64> parameter', async () => {
  const random = seededRandom(3);
  const rows = Array.from({ length: 200 }, (_, r) => ({ path: `img/${String(r).padStart(3, '0')}.jpg`, label: r % 2 ? 'odd' : null }));
  const k = 6;
  const pca = Float32Array.from({ length: rows.length * k }, () => gaussian(random));
  const file = path.join(root, 'small.parquet');
  const pcaMetadata = JSON.stringify({ k, dim: 8, explainedVarianceRatio: [], mean: '', components: '' });
  await writeEmbeddingsParquet(file, { rows, dim: 0, embeddings: new Float32Array(0), pca: { k, values: pca }, metadata: { backbone: '{"id":"test"}', pca: pcaMetadata } });
  const loaded = await loadEmbeddingsTable(createBigQueryClient(settings()), resolveDataset('openimages', 'gateway-tests'), 'image_embeddings', file, { vectorIndex: true });
  expect(loaded).toEqual({ rows: 200, column: 'pca' });

  const search = new BigQueryVectorSearch(settings(), 'image_embeddings', 'pca');
  const { vectors } = await readVectorColumn(file, 'pca');
  for (let r = 0; r < rows.length; r++) normalize(vectors.subarray(r * k, (r + 1) * k));
  for (const probe of [17, 123]) {
    const query = normalize(Float32Array.from(vectors.subarray(probe * k, (probe + 1) * k), (v) => v + 0.2 * gaussian(random)));
    const found = await search.nearest(query, 5);
    const exact = cosineTopK(vectors, rows.length, k, query, 5);
    expect(found.map((match) => match.path)).toEqual(Array.from(exact.indices, (row) => rows[row].path));
    found.forEach((match, i) => expect(match.score).toBeCloseTo(exact.scores[i], 4));
    expect(found[0].label).toBe(rows[exact.indices[0]].label);
  }
  const sent = fake.requests.filter((request) => /VECTOR_SEARCH/.test(String((request.body as { query?: string } | undefined)?.query)));
  expect(sent.length).toBe(2);
  const body = sent[0].body as { query: string; queryParameters: Array<{ name: string; parameterType: unknown; parameterValue: { arrayValues: unknown[] } }> };
  expect(body.query).toMatch(/VECTOR_SEARCH\(TABLE `gateway-tests\.openimages\.image_embeddings`, 'pca', \(SELECT @query AS pca\), top_k => 5, distance_type => 'COSINE'\)/);
  expect(body.queryParameters[0]).toMatchObject({ name: 'query', parameterType: { type: 'ARRAY', arrayType: { type: 'FLOAT64' } } });
  expect(body.queryParameters[0].parameterValue.arrayValues).toHaveLength(k);
  const ddl = fake.requests.find((request) => /CREATE VECTOR INDEX/.test(String((request.body as { query?: string } | undefined)?.query)));
  expect(ddl).toBeDefined();
});

it('serves similarImages through the gateway from the BigQuery table', async () => {
  const images = path.join(root, 'images');
  await writeColourFolders(images, 3);
  fs.writeFileSync(path.join(images, 'green', `${KNOWN_ID}.jpg`), await colourImage('green', 555));
  const file = path.join(root, 'embeddings.parquet');
  await embedFolder({
    images,
    out: file,
    backbone: { kind: 'folder', dir: await writeTinyBackbone((await initBackend()).tf, path.join(root, 'tiny')) },
    pca: 4,
    threads: 1,
    batchSize: 8,
    maxImagePixels: 1e8,
    seed: 1,
  });
  const client = createBigQueryClient(settings());
  await ingestIntoBigQuery(client, resolveDataset('openimages', 'gateway-tests'), detectDatasetLayout(demoDataDir()));
  await loadEmbeddingsTable(client, resolveDataset('openimages', 'gateway-tests'), 'flower_embeddings', file);
  const gw = await startGateway({
    STORE: 'bigquery',
    BIGQUERY_PROJECT: 'gateway-tests',
    BIGQUERY_DATASET: 'gateway-tests.openimages',
    BIGQUERY_API_ENDPOINT: fake.url,
    BIGQUERY_EMBEDDINGS_TABLE: 'flower_embeddings',
    EMBEDDINGS: file,
    INFERENCE_WORKERS: '1',
    MODELS_DIR: path.join(root, 'no-models'),
  });
  try {
    const query = `query($file: Upload!) { similarImages(file: $file, first: 3) { path label score image { id } } }`;
    const { body } = await postMultipart(gw.url, query, [{ filename: 'q.jpg', bytes: fs.readFileSync(path.join(images, 'green', `${KNOWN_ID}.jpg`)), type: 'image/jpeg' }], {
      variable: 'file',
      single: true,
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.similarImages).toHaveLength(3);
    expect(body.data.similarImages[0]).toMatchObject({ path: `green/${KNOWN_ID}.jpg`, label: 'green', image: { id: KNOWN_ID } });
    expect(body.data.similarImages[0].score).toBeGreaterThan(0.999);
    expect(fs.existsSync(`${file}.usearch`)).toBe(false);
  } finally {
    await gw.close();
  }
});
