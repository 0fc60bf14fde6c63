import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { IMAGE_EXTENSIONS } from '../../embeddings/imageFiles';
import type { DatasetKind } from './catalogTypes';

export interface DatasetCandidate {
  kind: DatasetKind;
  /** Relative to the root, with forward slashes. */
  path: string;
  /** Absolute, inside the root's real path. */
  location: string;
}

export const MAX_DATASETS = 200;

/**
 * Where datasets may be, at depth 1 and 2 below `realRoot`: a folder with at least two sub-folders that
 * hold images (the class folders `trainModel(data:)` reads), and `*.csv` files (`trainModel(csv:)`). A
 * folder that is not a dataset itself is looked into once more (e.g. `projects/flowers`); a dataset
 * folder's own CSV files are candidates too (an AutoML CSV beside its images). Hidden entries and
 * symbolic links are not followed here, so discovery never leaves the root (class folders that are links
 * inside a dataset are the reader's to accept or refuse, as in training). Whether a candidate is a
 * dataset is for the readers to say.
 */
export async function discoverDatasets(realRoot: string, max = MAX_DATASETS): Promise<DatasetCandidate[]> {
  const found: DatasetCandidate[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of await visibleEntries(dir)) {
      if (found.length >= max) return;
      const location = path.join(dir, entry.name);
      const relative = path.relative(realRoot, location).split(path.sep).join('/');
      if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) found.push({ kind: 'CSV', path: relative, location });
      else if (entry.isDirectory()) {
        const isDataset = await holdsClassFolders(location);
        if (isDataset) found.push({ kind: 'FOLDER', path: relative, location });
        if (depth === 1) await (isDataset ? visitCsvFiles(location) : visit(location, 2));
      }
    }
  };
  const visitCsvFiles = async (dir: string): Promise<void> => {
    for (const entry of await visibleEntries(dir)) {
      if (found.length >= max) return;
      if (!entry.isFile() || !entry.name.toLowerCase().endsWith('.csv')) continue;
      const location = path.join(dir, entry.name);
      found.push({ kind: 'CSV', path: path.relative(realRoot, location).split(path.sep).join('/'), location });
    }
  };
  await visit(realRoot, 1);
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Entries by name, without hidden ones and symbolic links (Dirent types come from lstat). */
async function visibleEntries(dir: string): Promise<Dirent[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => !entry.name.startsWith('.') && !entry.isSymbolicLink()).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** At least two sub-folders (links to folders count: the reader checks where they lead) with an image directly inside. */
async function holdsClassFolders(dir: string): Promise<boolean> {
  let classes = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name.startsWith('.')) continue;
    const sub = path.join(dir, entry.name);
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && (await fs.stat(sub).catch(() => undefined))?.isDirectory());
    if (isFolder && (await holdsImage(sub)) && ++classes >= 2) return true;
  }
  return false;
}

async function holdsImage(dir: string): Promise<boolean> {
  const names = await fs.readdir(dir).catch(() => []);
  return names.some((name) => !name.startsWith('.') && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase()));
}
