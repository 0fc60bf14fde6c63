/** Scales a vector to unit length in place (a zero vector stays zero). */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i] * vector[i];
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}

export interface TopK {
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * The `k` rows of a matrix of unit vectors (rows × dim, row-major) most similar to a unit `query`:
 * cosine similarity is then a dot product. Ties keep the lower row first.
 */
export function cosineTopK(matrix: Float32Array, rows: number, dim: number, query: Float32Array, k: number): TopK {
  k = Math.max(0, Math.min(k, rows));
  const indices = new Int32Array(k);
  const scores = new Float32Array(k).fill(-Infinity);
  let size = 0;
  for (let r = 0; r < rows; r++) {
    let score = 0;
    const offset = r * dim;
    for (let c = 0; c < dim; c++) score += matrix[offset + c] * query[c];
    if (size === k && !(score > scores[k - 1])) continue;
    // Insertion into the sorted top list: k is small (a page of results).
    let at = size < k ? size++ : k - 1;
    while (at > 0 && scores[at - 1] < score) {
      scores[at] = scores[at - 1];
      indices[at] = indices[at - 1];
      at--;
    }
    scores[at] = score;
    indices[at] = r;
  }
  return { indices, scores };
}
