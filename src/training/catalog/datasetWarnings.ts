import type { DatasetWarning } from './catalogTypes';

/** Below this many photos, a label is too thin to learn and to score (AutoML asks for at least 10). */
export const FEW_PHOTOS_BELOW = 10;
/** The largest label may hold at most this many times the photos of the smallest. */
export const UNBALANCED_RATIO = 3;

export interface LabelCount {
  label: string;
  photoCount: number;
}

/** Photos of identical bytes under different paths, with the labels they carry. */
export interface DuplicateGroup {
  paths: string[];
  labels: string[];
}

/** The warnings of a dataset from its label counts (sorted by label) and its groups of identical photos. */
export function datasetWarnings(classes: LabelCount[], duplicates: DuplicateGroup[]): DatasetWarning[] {
  const warnings: DatasetWarning[] = [];
  const few = classes.filter((entry) => entry.photoCount < FEW_PHOTOS_BELOW);
  if (few.length > 0) {
    const listed = few.map((entry) => `${quote(entry.label)} (${entry.photoCount})`).join(', ');
    warnings.push({
      code: 'FEW_PHOTOS',
      message:
        `${few.length === 1 ? '1 label has' : `${few.length} labels have`} fewer than ${FEW_PHOTOS_BELOW} photos: ${listed}. ` +
        'The model learns little from so few, and its test scores on them mean little: add photos, or leave the label out.',
      labels: few.map((entry) => entry.label),
    });
  }
  if (classes.length >= 2) {
    const largest = classes.reduce((best, entry) => (entry.photoCount > best.photoCount ? entry : best));
    const smallest = classes.reduce((best, entry) => (entry.photoCount < best.photoCount ? entry : best));
    if (largest.photoCount > UNBALANCED_RATIO * smallest.photoCount) {
      warnings.push({
        code: 'UNBALANCED',
        message:
          `${quote(largest.label)} has ${largest.photoCount} photos, ${quote(smallest.label)} only ${smallest.photoCount} ` +
          `(the largest label has more than ${UNBALANCED_RATIO} times the smallest): the model will lean towards the larger labels. ` +
          'Add photos to the smaller ones, or use fewer of the larger.',
        labels: [largest.label, smallest.label],
      });
    }
  }
  if (duplicates.length > 0) {
    const copies = duplicates.reduce((sum, group) => sum + group.paths.length, 0);
    warnings.push({
      code: 'DUPLICATES',
      message:
        `${duplicates.length === 1 ? '1 group' : `${duplicates.length} groups`} of identical photos (${copies} files with the same bytes): ` +
        'copies may land in both TRAIN and TEST and make the test scores look better than they are. Keep one file of each.',
      labels: [...new Set(duplicates.flatMap((group) => group.labels))].sort(),
    });
  }
  return warnings;
}

/** Groups of more than one path whose content hashes are equal, in path order. */
export function duplicateGroups(hashed: Array<{ path: string; hash: string; labels: string[] }>): DuplicateGroup[] {
  const byHash = new Map<string, { paths: string[]; labels: Set<string> }>();
  for (const { path, hash, labels } of hashed) {
    const group = byHash.get(hash) ?? { paths: [], labels: new Set<string>() };
    group.paths.push(path);
    for (const label of labels) group.labels.add(label);
    byHash.set(hash, group);
  }
  return [...byHash.values()]
    .filter((group) => group.paths.length > 1)
    .map((group) => ({ paths: group.paths.sort(), labels: [...group.labels].sort() }))
    .sort((a, b) => (a.paths[0] < b.paths[0] ? -1 : 1));
}

const quote = (label: string) => JSON.stringify(label);
