import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths';
import { OPEN_IMAGES_DIR } from '../support/sharedData';

export interface CatalogClass {
  label: string;
  description: string;
}

/** Label,Description rows of a classes.csv (the shared one has no quoted fields). */
export function readClasses(file: string): CatalogClass[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => ({ label: line.slice(0, line.indexOf(',')), description: line.slice(line.indexOf(',') + 1).trim() }));
}

export const SHARED_CLASSES_CSV = path.join(OPEN_IMAGES_DIR, 'classes.csv');
export const DEMO_CLASSES_CSV = path.join(projectRoot(), 'src', 'store', 'demo', 'classes.csv');
export const DEFAULT_MODEL_METADATA = path.join(projectRoot(), 'default-model', 'metadata.json');
