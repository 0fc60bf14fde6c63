/**
 * The HNSW graph's shape (usearch). Connectivity 16 and 64 candidates while inserting build a million
 * 64-d vectors in minutes on 2 cores; searching with 128 candidates keeps recall@10 above 0.95 on
 * embedding-like data (`npm run bench:similar`). Changing a build field invalidates saved indexes.
 */
export const HNSW_PARAMETERS = {
  metric: 'cos',
  connectivity: 16,
  expansionAdd: 64,
  expansionSearch: 128,
} as const;

export type HnswBuildParameters = Pick<typeof HNSW_PARAMETERS, 'metric' | 'connectivity' | 'expansionAdd'>;
