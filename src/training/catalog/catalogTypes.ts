export type DatasetKind = 'FOLDER' | 'CSV';

export const DATASET_WARNING_CODES = ['FEW_PHOTOS', 'UNBALANCED', 'DUPLICATES'] as const;
export type DatasetWarningCode = (typeof DATASET_WARNING_CODES)[number];

export interface DatasetWarning {
  code: DatasetWarningCode;
  /** For people; names labels and counts, never a server path. */
  message: string;
  labels: string[];
}

/** One label of a listed dataset. `sampleSources` (absolute paths) stay on the server: the schema exposes none of them. */
export interface CatalogClass {
  label: string;
  photoCount: number;
  /** Local files of this label, in path order, to take thumbnails from (more than needed, so a broken one can be skipped). */
  sampleSources: string[];
}

/** A dataset under TRAINING_DATA_ROOT as training would read it. */
export interface CatalogDataset {
  /** Relative to TRAINING_DATA_ROOT, with forward slashes. */
  path: string;
  kind: DatasetKind;
  photoCount: number;
  /** Sorted by label. */
  classes: CatalogClass[];
  warnings: DatasetWarning[];
}

export interface CatalogPhoto {
  /** Relative to TRAINING_DATA_ROOT. */
  path: string;
  /** data:image/jpeg;base64,... */
  thumbnail: string;
}
