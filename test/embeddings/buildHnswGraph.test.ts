import { cosineTopK, normalize } from '../../src/embeddings/cosineTopK';
import { gaussian, seededRandom } from '../../src/embeddings/random';
import { buildHnswGraph } from '../../src/embeddings/vectorIndex/buildHnswGraph';

const ROWS = 4000;
const DIM = 32;

/** Unit vectors around 40 centres, as embeddings cluster. */
function clustered(seed: number, rows: number): Float32Array {
  const random = seededRandom(seed);
  const centres = Float32Array.from({ length: 40 * DIM }, () => gaussian(random));
  const vectors = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    const centre = Math.floor(random() * 40);
    for (let c = 0; c < DIM; c++) vectors[r * DIM + c] = centres[centre * DIM + c] + 0.5 * gaussian(random);
    normalize(vectors.subarray(r * DIM, (r + 1) * DIM));
  }
  return vectors;
}

describe('buildHnswGraph (usearch batch add on several threads)', () => {
  const matrix = clustered(3, ROWS);
  const queries = clustered(4, 50);
  const truth = Array.from({ length: 50 }, (_, q) => cosineTopK(matrix, ROWS, DIM, queries.subarray(q * DIM, (q + 1) * DIM), 10).indices);
  const recallOf = (threads: number) => {
    const progress: number[] = [];
    const index = buildHnswGraph(matrix, ROWS, DIM, { threads, chunkRows: 1000, onProgress: (added) => progress.push(added) });
    expect(progress).toEqual([1000, 2000, 3000, 4000]);
    expect(index.size()).toBe(ROWS);
    let hits = 0;
    truth.forEach((exact, q) => {
      const found = new Set(Array.from(index.search(queries.subarray(q * DIM, (q + 1) * DIM), 10, 1).keys, Number));
      hits += Array.from(exact).filter((row) => found.has(row)).length;
    });
    return hits / (truth.length * 10);
  };

  it('finds the exact nearest neighbours as well with 4 inserting threads as with one', () => {
    const single = recallOf(1);
    const threaded = recallOf(4);
    expect(single).toBeGreaterThan(0.95);
    expect(threaded).toBeGreaterThan(single - 0.02);
  });
});
