import fs from 'node:fs';
import path from 'node:path';

/**
 * The metadata CSVs read independently of the code under test, so tests can compute the
 * answers they expect. The gateway layout has no quoted fields, so a split on commas is exact.
 */
export interface OpenImagesTables {
  classes: Map<string, string>;
  imageLabels: Array<{ imageId: string; label: string }>;
  relations: Array<{ imageId: string; subject: string; relation: string; object: string }>;
}

function rows(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => line.split(','));
}

export function readTables(dir: string): OpenImagesTables {
  return {
    classes: new Map(rows(path.join(dir, 'classes.csv')).map(([label, description]) => [label, description])),
    imageLabels: rows(path.join(dir, 'image_labels.csv')).map(([imageId, label]) => ({ imageId, label })),
    relations: rows(path.join(dir, 'relations.csv')).map(([imageId, subject, relation, object]) => ({ imageId, subject, relation, object })),
  };
}

/** Distinct images per label. */
export function imageCounts(tables: OpenImagesTables): Map<string, number> {
  const sets = new Map<string, Set<string>>();
  for (const { imageId, label } of tables.imageLabels) {
    if (!sets.has(label)) sets.set(label, new Set());
    sets.get(label)!.add(imageId);
  }
  return new Map([...sets].map(([label, set]) => [label, set.size]));
}
