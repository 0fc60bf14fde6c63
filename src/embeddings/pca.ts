import { dot, orthonormalize, symmetricEigen } from './linalg';
import { gaussian, seededRandom } from './random';

export interface PcaModel {
  dim: number;
  /** Number of components kept. */
  k: number;
  mean: Float32Array;
  /** k × dim, row-major: unit principal axes, strongest first. */
  components: Float32Array;
  explainedVariance: number[];
  explainedVarianceRatio: number[];
}

export interface PcaOptions {
  seed?: number;
  /** Subspace (power) iterations; 4 gives near-exact leading components on embedding data. */
  powerIterations?: number;
  /** Extra random directions beyond k, for accuracy (Halko, Martinsson & Tropp 2011). */
  oversampling?: number;
}

/**
 * PCA of `rows` vectors of `dim` floats (row-major), by randomized SVD of the centred data followed by
 * an exact Rayleigh-Ritz step: cost grows linearly with rows, and a seed makes it repeat exactly.
 * `k` is capped at rows - 1 and dim (the rank of centred data).
 */
export function fitPca(data: Float32Array, rows: number, dim: number, k: number, options: PcaOptions = {}): PcaModel {
  if (rows < 2) throw new Error('PCA needs at least two vectors');
  k = Math.max(1, Math.min(k, rows - 1, dim));
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= rows;
  const centred = new Float64Array(rows * dim);
  let totalSquares = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const value = data[r * dim + c] - mean[c];
      centred[r * dim + c] = value;
      totalSquares += value * value;
    }
  }
  const times = (v: Float64Array) => multiply(centred, rows, dim, v); // X v, length rows
  const timesTransposed = (u: Float64Array) => multiplyTransposed(centred, rows, dim, u); // Xᵀ u, length dim

  const width = Math.min(k + (options.oversampling ?? 10), rows, dim);
  const random = seededRandom(options.seed ?? 0);
  const probes = Array.from({ length: width }, () => Float64Array.from({ length: dim }, () => gaussian(random)));
  let basis = probes.map(times);
  orthonormalize(basis);
  for (let i = 0; i < (options.powerIterations ?? 4); i++) {
    const back = basis.map(timesTransposed);
    orthonormalize(back);
    basis = back.map(times);
    orthonormalize(basis);
  }
  // B = Qᵀ X (width × dim); the eigenvectors of B Bᵀ give X's leading right singular vectors as Bᵀu / σ.
  const projected = basis.map(timesTransposed);
  const gram = new Float64Array(width * width);
  for (let i = 0; i < width; i++) for (let j = i; j < width; j++) gram[i * width + j] = gram[j * width + i] = dot(projected[i], projected[j]);
  const { values, vectors } = symmetricEigen(gram, width);

  const components = new Float32Array(k * dim);
  const explainedVariance: number[] = [];
  for (let i = 0; i < k; i++) {
    const sigma = Math.sqrt(Math.max(values[i], 0));
    const axis = new Float64Array(dim);
    if (sigma > 1e-12) {
      for (let j = 0; j < width; j++) {
        const weight = vectors[i][j] / sigma;
        const row = projected[j];
        for (let c = 0; c < dim; c++) axis[c] += weight * row[c];
      }
    }
    flipSign(axis);
    components.set(axis, i * dim);
    explainedVariance.push(Math.max(values[i], 0) / (rows - 1));
  }
  const totalVariance = totalSquares / (rows - 1);
  return {
    dim,
    k,
    mean: Float32Array.from(mean),
    components,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0)),
  };
}

/** Coordinates of each row along the model's axes: rows × k floats. */
export function projectPca(model: PcaModel, data: Float32Array, rows: number): Float32Array {
  const { dim, k, mean, components } = model;
  const out = new Float32Array(rows * k);
  const centred = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) centred[c] = data[r * dim + c] - mean[c];
    for (let i = 0; i < k; i++) {
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += components[i * dim + c] * centred[c];
      out[r * k + i] = sum;
    }
  }
  return out;
}

/** Axes are defined up to sign: make each one's largest coordinate positive so results are reproducible. */
function flipSign(axis: Float64Array): void {
  let largest = 0;
  for (let c = 1; c < axis.length; c++) if (Math.abs(axis[c]) > Math.abs(axis[largest])) largest = c;
  if (axis[largest] < 0) for (let c = 0; c < axis.length; c++) axis[c] = -axis[c];
}

function multiply(matrix: Float64Array, rows: number, dim: number, v: Float64Array): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const offset = r * dim;
    for (let c = 0; c < dim; c++) sum += matrix[offset + c] * v[c];
    out[r] = sum;
  }
  return out;
}

function multiplyTransposed(matrix: Float64Array, rows: number, dim: number, u: Float64Array): Float64Array {
  const out = new Float64Array(dim);
  for (let r = 0; r < rows; r++) {
    const weight = u[r];
    if (weight === 0) continue;
    const offset = r * dim;
    for (let c = 0; c < dim; c++) out[c] += weight * matrix[offset + c];
  }
  return out;
}
