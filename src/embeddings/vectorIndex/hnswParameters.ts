/**
 * The HNSW graph's shape (usearch). Connectivity 12 and 40 candidates while inserting keep the build of
 * a million 64-d vectors affordable on 2 cores; searching with 768 candidates (milliseconds) buys back
 * the recall a lighter graph loses: at 1M rows recall@10 was 0.928 with 160, 0.953 with 512, 0.962
 * with 768 and 0.967 with 1024, whose p95 neared 50 ms on a loaded machine (`npm run bench:similar`). Changing a build field invalidates saved indexes (the manifest
 * records them); the search field does not.
 */
export const HNSW_PARAMETERS = {
  metric: 'cos',
  connectivity: 12,
  expansionAdd: 40,
  expansionSearch: 768,
} as const;
