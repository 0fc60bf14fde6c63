import fs from 'node:fs';
import { LabelClassMatcher } from '../../src/labels/LabelClassMatcher';
import { WordNetNouns } from '../../src/labels/WordNetNouns';
import { noticeSkipped } from '../support/sharedData';
import { DEFAULT_MODEL_METADATA, readClasses, SHARED_CLASSES_CSV } from './support';

/** The share of the default model's 1000 ImageNet labels that link to one of the 601 Open Images classes. */
const MIN_COVERAGE = 0.9;

describe('coverage of the default model labels', () => {
  if (!fs.existsSync(SHARED_CLASSES_CSV) || !fs.existsSync(DEFAULT_MODEL_METADATA)) {
    noticeSkipped(`label coverage (needs ${SHARED_CLASSES_CSV} and ${DEFAULT_MODEL_METADATA})`);
    it.skip('needs the shared classes and the default model', () => undefined);
    return;
  }

  it(`links at least ${MIN_COVERAGE * 100}% of the ImageNet labels`, () => {
    const wordnet = new WordNetNouns();
    try {
      const matcher = LabelClassMatcher.create(readClasses(SHARED_CLASSES_CSV), wordnet);
      const labels: string[] = JSON.parse(fs.readFileSync(DEFAULT_MODEL_METADATA, 'utf8')).labels;
      expect(labels).toHaveLength(1000);
      const linked = labels.filter((label) => matcher.link(label) !== null).length;
      console.log(`label coverage: ${linked}/${labels.length} ImageNet labels linked to an Open Images class`);
      expect(linked / labels.length).toBeGreaterThanOrEqual(MIN_COVERAGE);
    } finally {
      wordnet.close();
    }
  });
});
