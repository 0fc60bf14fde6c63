import type { VectorColumn } from '../embeddingsParquet';

/**
 * BigQuery's VECTOR_SEARCH over an embeddings table loaded from the Parquet file (one row per image:
 * path, label, embedding, pca). The query vector is the named parameter @query (ARRAY<FLOAT64>, already
 * in the column's space); with a vector index on the column BigQuery searches approximately (IVF or
 * TreeAH), without one it scans every row. `top_k` is a literal: the TVF's named arguments take
 * constants, and it is an integer checked here, never client text.
 */
export function vectorSearchSql(table: string, column: VectorColumn, topK: number): string {
  if (!Number.isInteger(topK) || topK < 1 || topK > 1000) throw new RangeError(`top_k must be an integer from 1 to 1000, got ${topK}`);
  if (!/^[A-Za-z0-9_.:-]+$/.test(table)) throw new RangeError(`not a table name: ${table}`);
  return `SELECT base.path AS path, base.label AS label, distance
FROM VECTOR_SEARCH(TABLE \`${table}\`, '${column}', (SELECT @query AS ${column}), top_k => ${topK}, distance_type => 'COSINE')
ORDER BY distance, path`;
}
