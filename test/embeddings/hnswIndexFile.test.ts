import fs from 'node:fs';
import path from 'node:path';
import { normalize } from '../../src/embeddings/cosineTopK';
import { writeEmbeddingsParquet, type EmbeddingRow } from '../../src/embeddings/embeddingsParquet';
import { gaussian, seededRandom } from '../../src/embeddings/random';
import { indexFileOf, manifestFileOf, openHnswIndex } from '../../src/embeddings/vectorIndex/hnswIndexFile';
import { temporaryDir } from '../training/support/images';

const ROWS = 3000;
const DIM = 16;
const IMAGES = Array.from({ length: ROWS }, (_, row) => ({ path: `row${row}.jpg`, label: null }));

/** Unit vectors in clusters, as embeddings are. */
function clusteredVectors(seed: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Float32Array.from({ length: 30 * DIM }, () => gaussian(random));
  const vectors = new Float32Array(ROWS * DIM);
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < DIM; c++) vectors[r * DIM + c] = centres[(r % 30) * DIM + c] + 0.3 * gaussian(random);
    normalize(vectors.subarray(r * DIM, (r + 1) * DIM));
  }
  return vectors;
}

async function writeFile(file: string, vectors: Float32Array): Promise<void> {
  const rows: EmbeddingRow[] = Array.from({ length: ROWS }, (_, r) => ({ path: `img/${String(r).padStart(5, '0')}.jpg`, label: null }));
  await writeEmbeddingsParquet(file, { rows, dim: DIM, embeddings: vectors, metadata: { backbone: '{}' } });
}

describe('the HNSW index kept beside an embeddings Parquet file', () => {
  const root = temporaryDir('hnsw-');
  const file = path.join(root, 'set.parquet');
  const vectors = clusteredVectors(1);
  const open = () => openHnswIndex({ parquetFile: file, column: 'embedding', matrix: vectors, rows: ROWS, dim: DIM, images: IMAGES, threads: 1 });

  beforeAll(() => writeFile(file, vectors));

  it('is built once, found again by its manifest, and answers nearest neighbours', async () => {
    const first = await open();
    expect(first.built).toBe(true);
    expect(fs.existsSync(indexFileOf(file))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(manifestFileOf(file), 'utf8'));
    expect(manifest).toMatchObject({ format: 1, column: 'embedding', rows: ROWS, dim: DIM, parquet: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });

    const again = await open();
    expect(again.built).toBe(false);
    const { indices, scores } = again.index.search(vectors.subarray(42 * DIM, 43 * DIM), 5);
    expect(indices[0]).toBe(42);
    expect(scores[0]).toBeCloseTo(1, 4);
    expect(Array.from(scores)).toEqual([...scores].sort((a, b) => b - a));
  });

  it('is rebuilt when the Parquet content changes or the manifest does not match', async () => {
    await open();
    const changed = clusteredVectors(2);
    await writeFile(file, changed);
    const rebuilt = await openHnswIndex({ parquetFile: file, column: 'embedding', matrix: changed, rows: ROWS, dim: DIM, images: IMAGES, threads: 1 });
    expect(rebuilt.built).toBe(true);
    expect(rebuilt.index.search(changed.subarray(7 * DIM, 8 * DIM), 1).indices[0]).toBe(7);

    fs.writeFileSync(manifestFileOf(file), '{"format": 1, "rows": 1}');
    expect((await openHnswIndex({ parquetFile: file, column: 'embedding', matrix: changed, rows: ROWS, dim: DIM, images: IMAGES, threads: 1 })).built).toBe(true);
    fs.rmSync(indexFileOf(file));
    expect((await openHnswIndex({ parquetFile: file, column: 'embedding', matrix: changed, rows: ROWS, dim: DIM, images: IMAGES, threads: 1 })).built).toBe(true);
  });
});
