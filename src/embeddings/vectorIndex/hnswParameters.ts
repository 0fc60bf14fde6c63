/**
 * The HNSW graph's shape (usearch). Connectivity 12 and 40 candidates while inserting keep the build of
 * a million 64-d vectors to minutes of CPU on 2 cores; searching with 160 candidates (well under a
 * millisecond) buys back the recall a lighter graph loses (`npm run bench:similar`). Changing a build
 * field invalidates saved indexes (the manifest records them).
 */
export const HNSW_PARAMETERS = {
  metric: 'cos',
  connectivity: 12,
  expansionAdd: 40,
  expansionSearch: 160,
} as const;

export type HnswBuildParameters = Pick<typeof HNSW_PARAMETERS, 'metric' | 'connectivity' | 'expansionAdd'>;
