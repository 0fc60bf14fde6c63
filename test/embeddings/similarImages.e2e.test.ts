import { initBackend } from '../../src/models/tfBackend';
import { writeTinyBackbone } from '../support/tinyBackbone';
import fs from 'node:fs';
import path from 'node:path';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { EmbeddingIndex } from '../../src/embeddings/EmbeddingIndex';
import { METADATA_KEYS, readEmbeddingsParquet, writeEmbeddingsParquet } from '../../src/embeddings/embeddingsParquet';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { colourImage, temporaryDir, writeColourFolders } from '../training/support/images';

const SIMILAR = `query($file: Upload!, $first: Int) { similarImages(file: $file, first: $first) { path label score image { id } } }`;
/** An image id of the gateway's built-in demo metadata. */
const KNOWN_ID = '149fe5480869d8ab';

describe('similarImages over an EMBEDDINGS Parquet file', () => {
  const root = temporaryDir('similar-');
  const images = path.join(root, 'images');
  const file = path.join(root, 'embeddings.parquet');
  let gw: RunningGateway;
  let tiny: string;
  const ask = (bytes: Buffer, first?: number) =>
    postMultipart(gw.url, SIMILAR, [{ filename: 'query.jpg', bytes, type: 'image/jpeg' }], { variable: 'file', single: true, variables: { first } });

  beforeAll(async () => {
    await writeColourFolders(images, 3);
    fs.writeFileSync(path.join(images, 'green', `${KNOWN_ID}.jpg`), await colourImage('green', 555));
    fs.writeFileSync(path.join(images, 'blue', 'ffffffffffffffff.jpg'), await colourImage('blue', 556));
    tiny = await writeTinyBackbone((await initBackend()).tf, path.join(root, 'tiny'));
    await embedFolder({ images, out: file, backbone: { kind: 'folder', dir: tiny }, threads: 1, batchSize: 8, maxImagePixels: 1e8, seed: 1 });
    gw = await startGateway({ EMBEDDINGS: file, INFERENCE_WORKERS: '1', MODELS_DIR: path.join(root, 'no-models') });
  });
  afterAll(() => gw?.close());

  it('returns the nearest images by cosine similarity, best first, linked to Open Images when named by an image id', async () => {
    const { status, body } = await ask(fs.readFileSync(path.join(images, 'green', `${KNOWN_ID}.jpg`)), 4);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const results = body.data.similarImages;
    expect(results).toHaveLength(4);
    expect(results[0]).toEqual({ path: `green/${KNOWN_ID}.jpg`, label: 'green', score: expect.any(Number), image: { id: KNOWN_ID } });
    expect(results[0].score).toBeGreaterThan(0.999);
    const scores = results.map((r: { score: number }) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const { body: other } = await ask(fs.readFileSync(path.join(images, 'blue', 'ffffffffffffffff.jpg')));
    expect(other.data.similarImages).toHaveLength(10);
    expect(other.data.similarImages[0]).toMatchObject({ path: 'blue/ffffffffffffffff.jpg', image: null });
    for (const result of other.data.similarImages) expect(result.image).toEqual(result.path.includes(KNOWN_ID) ? { id: KNOWN_ID } : null);
  });

  it('searches the PCA projection through an HNSW index kept beside the file, reused by a restart', async () => {
    const projected = path.join(root, 'projected.parquet');
    await embedFolder({ images, out: projected, backbone: { kind: 'folder', dir: tiny }, pca: 4, threads: 1, batchSize: 8, maxImagePixels: 1e8, seed: 1 });
    const env = { EMBEDDINGS: projected, EMBEDDINGS_INDEX_MIN_ROWS: '1', INFERENCE_WORKERS: '1', MODELS_DIR: path.join(root, 'no-models') };
    const query = fs.readFileSync(path.join(images, 'green', `${KNOWN_ID}.jpg`));
    const search = async () => {
      const indexed = await startGateway(env);
      try {
        const { body } = await postMultipart(indexed.url, SIMILAR, [{ filename: 'query.jpg', bytes: query, type: 'image/jpeg' }], {
          variable: 'file',
          single: true,
          variables: { first: 3 },
        });
        expect(body.errors).toBeUndefined();
        return body.data.similarImages;
      } finally {
        await indexed.close();
      }
    };
    const results = await search();
    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ path: `green/${KNOWN_ID}.jpg`, image: { id: KNOWN_ID } });
    expect(results[0].score).toBeGreaterThan(0.999);
    const manifest = JSON.parse(fs.readFileSync(`${projected}.usearch.json`, 'utf8'));
    expect(manifest).toMatchObject({ column: 'pca', dim: 4 });
    const builtAt = fs.statSync(`${projected}.usearch`).mtimeMs;
    expect(await search()).toEqual(results);
    expect(fs.statSync(`${projected}.usearch`).mtimeMs).toBe(builtAt);
  });

  it('refuses a bad page size and a file that is not an image', async () => {
    const { body } = await ask(await colourImage('red', 1), 0);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const { body: notImage } = await ask(Buffer.from('plain text'));
    expect(notImage.errors[0].extensions.code).toBe('UNSUPPORTED_IMAGE');
  });

  it('answers EMBEDDINGS_UNAVAILABLE when no file is configured', async () => {
    const bare = await startGateway({ INFERENCE_WORKERS: '1', MODELS_DIR: path.join(root, 'no-models') });
    try {
      const { body } = await postMultipart(bare.url, SIMILAR, [{ filename: 'q.jpg', bytes: await colourImage('red', 1) }], { variable: 'file', single: true });
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'EMBEDDINGS_UNAVAILABLE' }, message: expect.stringMatching(/EMBEDDINGS/) });
    } finally {
      await bare.close();
    }
  });

  it('refuses a file whose vectors came from another backbone than the one its source now loads', async () => {
    const table = await readEmbeddingsParquet(file);
    const backbone = JSON.parse(table.metadata[METADATA_KEYS.backbone]);
    table.metadata[METADATA_KEYS.backbone] = JSON.stringify({ ...backbone, id: 'nsfwjs@0.0.1/mobilenet_v2:flatten_1' });
    const tampered = path.join(root, 'tampered.parquet');
    await writeEmbeddingsParquet(tampered, table);
    const index = EmbeddingIndex.open(tampered, { maxImagePixels: 1e8 });
    try {
      await expect(index.ready).rejects.toMatchObject({ extensions: { code: 'EMBEDDINGS_UNAVAILABLE' }, message: expect.stringMatching(/nsfwjs@0\.0\.1.*re-run `npm run embed`/) });
      await expect(index.similar(await colourImage('red', 1), 1)).rejects.toMatchObject({ extensions: { code: 'EMBEDDINGS_UNAVAILABLE' } });
    } finally {
      await index.close();
    }
  });
});
