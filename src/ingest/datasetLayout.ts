import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds the metadata files in a folder, in either of the layouts the gateway accepts:
 * - the gateway's own (the BigQuery tables as CSV): `classes.csv`, `image_labels.csv`, `relations.csv`;
 * - the official Open Images downloads: `oidv6-class-descriptions*.csv` (or `class-descriptions*.csv`),
 *   `*-annotations-human-imagelabels*.csv`, `*-annotations-vrd.csv` / `*relationship*.csv`.
 * Several files of one kind (train, validation, test) are loaded together.
 */

export type SourceFormat = 'gateway' | 'official';

export interface SourceFiles {
  format: SourceFormat;
  paths: string[];
}

export interface DatasetLayout {
  classes: SourceFiles;
  imageLabels?: SourceFiles;
  relations?: SourceFiles;
}

export class DatasetLayoutError extends Error {
  override name = 'DatasetLayoutError';
}

const gatewayNames = { classes: 'classes.csv', imageLabels: 'image_labels.csv', relations: 'relations.csv' };
const officialPatterns = {
  classes: /^(oidv\d+-)?class-descriptions.*\.csv$/i,
  imageLabels: /annotations-human-imagelabels.*\.csv$/i,
  relations: /(annotations-vrd|relationship).*\.csv$/i,
};

export function detectDatasetLayout(dir: string): DatasetLayout {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new DatasetLayoutError(`Data folder not found: ${dir}`);
  }
  const names = fs.readdirSync(dir).sort();
  const pick = (kind: keyof typeof gatewayNames): SourceFiles | undefined => {
    if (names.includes(gatewayNames[kind])) return { format: 'gateway', paths: [path.join(dir, gatewayNames[kind])] };
    const official = names.filter((n) => officialPatterns[kind].test(n) && !/boxable|trainable|segmentable/i.test(n));
    const fallback = official.length > 0 ? official : names.filter((n) => officialPatterns[kind].test(n));
    return fallback.length > 0 ? { format: 'official', paths: fallback.map((n) => path.join(dir, n)) } : undefined;
  };
  const classes = pick('classes');
  if (!classes) {
    throw new DatasetLayoutError(`No class descriptions in ${dir}: expected classes.csv or oidv6-class-descriptions.csv (found: ${names.join(', ') || 'nothing'})`);
  }
  const imageLabels = pick('imageLabels');
  const relations = pick('relations');
  if (!imageLabels && !relations) {
    throw new DatasetLayoutError(`No image labels or relations in ${dir}: expected image_labels.csv and/or relations.csv`);
  }
  return { classes, imageLabels, relations };
}
