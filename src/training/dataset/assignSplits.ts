import { seededRandom, shuffle } from '../../embeddings/random';
import { DatasetError, type Dataset, type DatasetItem, type Split } from './types';

export interface SplitFractions {
  validation: number;
  test: number;
}

export const DEFAULT_FRACTIONS: SplitFractions = { validation: 0.1, test: 0.1 };

/**
 * Gives every item without a split one, per label group (stratified) and reproducibly for a seed:
 * by default 80% TRAIN, 10% VALIDATION, 10% TEST. A group of two or more keeps at least one TRAIN
 * image and, when its test fraction is above zero, at least one TEST image.
 */
export function assignSplits(dataset: Dataset, fractions: SplitFractions, seed: number): Dataset {
  const { validation, test } = fractions;
  if (!(validation >= 0 && test >= 0 && validation + test < 1)) {
    throw new DatasetError('validation and test fractions must be >= 0 and add up to less than 1');
  }
  const groups = new Map<string, DatasetItem[]>();
  for (const item of dataset.items) {
    if (item.split) continue;
    const key = [...item.labels].sort().join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const assigned = new Map<DatasetItem, Split>();
  const random = seededRandom(seed);
  for (const key of [...groups.keys()].sort()) {
    const group = shuffle(
      [...groups.get(key)!].sort((a, b) => (a.source < b.source ? -1 : 1)),
      random,
    );
    const n = group.length;
    let testCount = Math.round(n * test);
    if (test > 0 && n >= 2) testCount = Math.max(1, testCount);
    let validationCount = Math.round(n * validation);
    validationCount = Math.max(0, Math.min(validationCount, n - testCount - 1));
    testCount = Math.min(testCount, n - 1);
    group.forEach((item, i) => assigned.set(item, i < testCount ? 'TEST' : i < testCount + validationCount ? 'VALIDATION' : 'TRAIN'));
  }
  return { ...dataset, items: dataset.items.map((item) => (item.split ? item : { ...item, split: assigned.get(item) })) };
}
