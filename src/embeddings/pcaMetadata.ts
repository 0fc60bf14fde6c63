import type { PcaModel } from './pca';

/**
 * The fitted PCA as stored in the Parquet key-value metadata, so that new vectors (a query image, the
 * rows of another shard) can be projected onto the same axes. Floats travel as base64 little-endian.
 */
export interface StoredPca {
  k: number;
  dim: number;
  explainedVarianceRatio: number[];
  mean: string;
  components: string;
}

export function storePca(model: PcaModel): string {
  const stored: StoredPca = {
    k: model.k,
    dim: model.dim,
    explainedVarianceRatio: model.explainedVarianceRatio.map((ratio) => Number(ratio.toFixed(6))),
    mean: base64(model.mean),
    components: base64(model.components),
  };
  return JSON.stringify(stored);
}

export function loadPca(text: string): PcaModel {
  const stored = JSON.parse(text) as StoredPca;
  return {
    k: stored.k,
    dim: stored.dim,
    mean: floats(stored.mean),
    components: floats(stored.components),
    explainedVariance: [],
    explainedVarianceRatio: stored.explainedVarianceRatio,
  };
}

const base64 = (values: Float32Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

function floats(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
