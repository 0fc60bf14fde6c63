/**
 * The metadata store contract. DuckDB and BigQuery implement it with the same SQL intent
 * (see `queries.ts`), and one contract suite (test/store/contract.ts) proves identical answers.
 *
 * Every method takes whole batches (lists of ids) so that the per-request DataLoaders can
 * turn N field resolutions into one query.
 */

export interface ClassRecord {
  label: string;
  description: string;
  /** Distinct images having this label. */
  imageCount: number;
}

export interface RelationTypeRecord {
  name: string;
  /** Distinct images having at least one relation of this type. */
  imageCount: number;
}

export interface RelationRecord {
  imageId: string;
  subject: string;
  relation: string;
  object: string;
}

export interface ImageLabelRecord {
  imageId: string;
  label: string;
}

export interface ImageHit {
  imageId: string;
  /** How many of the searched classes the image has. */
  matchedClasses: number;
}

export type MatchMode = 'ANY' | 'ALL';

/** A window on an ordered result: skip `offset` rows, return at most `limit`. */
export interface Slice {
  offset: number;
  limit: number;
}

export interface PageResult<T> {
  items: T[];
  /** Exact number of rows the query matches, regardless of the slice. */
  totalCount: number;
}

export interface RelationPatterns {
  /** SQL LIKE patterns (`%`, `_`, `\` escapes), matched case-insensitively. */
  subject: string;
  relation: string;
  object: string;
}

export interface ClassImagesRecord {
  label: string;
  imageIds: string[];
}

/** Aggregates computed when data is loaded; stores serve them from memory. */
export interface CatalogSnapshot {
  classes: ClassRecord[];
  relationTypes: RelationTypeRecord[];
}

export interface MetadataStore {
  /** `duckdb` or `bigquery`; the `backend` label of `gateway_backend_queries_total`. */
  readonly backend: string;

  /** The class and relation-type aggregates, from the stats tables written at load time. */
  readCatalog(): Promise<CatalogSnapshot>;

  /** Which of these image ids exist (in labels or relations). */
  findImages(ids: readonly string[]): Promise<string[]>;

  /** The labels of these images, distinct. */
  labelsOfImages(ids: readonly string[]): Promise<ImageLabelRecord[]>;

  /** The relations of these images, distinct. */
  relationsOfImages(ids: readonly string[]): Promise<RelationRecord[]>;

  /** Images having any / all of these labels, by matched count (desc) then id. */
  searchImages(labels: readonly string[], match: MatchMode, slice: Slice): Promise<PageResult<ImageHit>>;

  /** For each label, one slice of its images ordered by id. */
  imagesOfClasses(labels: readonly string[], slice: Slice): Promise<ClassImagesRecord[]>;

  /** Distinct relations matching the patterns, ordered by image id, subject, relation, object. */
  searchRelations(patterns: RelationPatterns, slice: Slice): Promise<PageResult<RelationRecord>>;

  /** Is the store able to answer (used by /readyz)? */
  ping(): Promise<void>;

  close(): Promise<void>;
}
