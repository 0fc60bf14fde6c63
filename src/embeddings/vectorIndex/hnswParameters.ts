/**
 * The HNSW graph's shape (usearch). Connectivity 12 and 40 candidates while inserting keep the build of
 * a million 64-d vectors affordable on 2 cores; searching with 512 candidates (a few milliseconds)
 * buys back the recall a lighter graph loses: at 1M rows recall@10 was 0.928 with 160 and 0.964 with
 * 512 (`npm run bench:similar`). Changing a build field invalidates saved indexes (the manifest
 * records them); the search field does not.
 */
export const HNSW_PARAMETERS = {
  metric: 'cos',
  connectivity: 12,
  expansionAdd: 40,
  expansionSearch: 512,
} as const;
