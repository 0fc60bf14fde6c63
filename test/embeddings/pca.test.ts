import { symmetricEigen } from '../../src/embeddings/linalg';
import { fitPca, projectPca } from '../../src/embeddings/pca';
import { gaussian, seededRandom } from '../../src/embeddings/random';

/** rows vectors in `dim` dimensions with decreasing variance along random directions, plus noise. */
function syntheticData(rows: number, dim: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const axes = Array.from({ length: 5 }, () => Array.from({ length: dim }, () => gaussian(random)));
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let a = 0; a < axes.length; a++) {
      const weight = gaussian(random) * (10 - 2 * a);
      for (let c = 0; c < dim; c++) data[r * dim + c] += weight * axes[a][c];
    }
    for (let c = 0; c < dim; c++) data[r * dim + c] += 0.1 * gaussian(random) + 3;
  }
  return data;
}

/** Exact PCA: eigenvectors of the covariance matrix. */
function exactPca(data: Float32Array, rows: number, dim: number) {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c] / rows;
  const covariance = new Float64Array(dim * dim);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dim; i++) {
      for (let j = 0; j < dim; j++) covariance[i * dim + j] += ((data[r * dim + i] - mean[i]) * (data[r * dim + j] - mean[j])) / (rows - 1);
    }
  }
  return symmetricEigen(covariance, dim);
}

describe('PCA (randomized SVD with a Rayleigh-Ritz step)', () => {
  const rows = 300;
  const dim = 40;
  const data = syntheticData(rows, dim, 11);

  it('finds the same leading axes and variances as an exact eigendecomposition', () => {
    const model = fitPca(data, rows, dim, 5, { seed: 1 });
    const exact = exactPca(data, rows, dim);
    for (let i = 0; i < 5; i++) {
      expect(model.explainedVariance[i]).toBeCloseTo(exact.values[i], 2);
      const axis = model.components.subarray(i * dim, (i + 1) * dim);
      const alignment = Math.abs(exact.vectors[i].reduce((sum, v, c) => sum + v * axis[c], 0));
      expect(alignment).toBeGreaterThan(0.9999);
    }
    const total = exact.values.reduce((a, b) => a + b, 0);
    expect(model.explainedVarianceRatio[0]).toBeCloseTo(exact.values[0] / total, 4);
    expect(model.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.99);
  });

  it('projects onto uncorrelated coordinates whose variances are the explained variances', () => {
    const model = fitPca(data, rows, dim, 3, { seed: 1 });
    const projected = projectPca(model, data, rows);
    for (let i = 0; i < 3; i++) {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += projected[r * 3 + i] / rows;
      let variance = 0;
      for (let r = 0; r < rows; r++) variance += (projected[r * 3 + i] - mean) ** 2 / (rows - 1);
      expect(mean).toBeCloseTo(0, 3);
      expect(variance / model.explainedVariance[i]).toBeCloseTo(1, 3);
    }
    let covariance01 = 0;
    for (let r = 0; r < rows; r++) covariance01 += projected[r * 3] * projected[r * 3 + 1];
    expect(Math.abs(covariance01 / rows)).toBeLessThan(1e-2 * model.explainedVariance[1]);
  });

  it('repeats exactly for a seed, fixes the sign of each axis, and caps k at rows - 1', () => {
    const a = fitPca(data, rows, dim, 4, { seed: 9 });
    const b = fitPca(data, rows, dim, 4, { seed: 9 });
    expect(Array.from(a.components)).toEqual(Array.from(b.components));
    const other = fitPca(data, rows, dim, 4, { seed: 10 });
    for (let i = 0; i < 2; i++) {
      const dot = a.components.subarray(i * dim, (i + 1) * dim).reduce((sum, v, c) => sum + v * other.components[i * dim + c], 0);
      expect(dot).toBeGreaterThan(0.9999); // same axis, same sign, whatever the random start
    }
    expect(fitPca(data, 4, dim, 50).k).toBe(3);
  });
});
