import path from 'node:path';
import type { ImageLabelRecord, MetadataStore, RelationRecord } from '../../src/store/MetadataStore';
import { byBytes, ReferenceAnswers } from './referenceAnswers';

/**
 * The one contract every MetadataStore must meet, run against each implementation on the same data:
 * each answer must equal the one ReferenceAnswers computes from the CSVs.
 */

export interface StoreUnderTest {
  store: MetadataStore;
  close(): Promise<void>;
}

const sortLabels = (rows: ImageLabelRecord[]) => [...rows].sort((a, b) => byBytes(a.imageId, b.imageId) || byBytes(a.label, b.label));
const sortRelations = (rows: RelationRecord[]) =>
  [...rows].sort((a, b) => byBytes(a.imageId, b.imageId) || byBytes(a.subject, b.subject) || byBytes(a.relation, b.relation) || byBytes(a.object, b.object));

/** Strings that would break a query built by concatenation; they must match only literally. */
export const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "x'; DROP TABLE image_labels; --",
  '"; DROP TABLE relations; --',
  '`images` UNION SELECT 1',
  '@evil OR 1=1',
  '$1',
  'ünïcødé 🐱 猫',
  "Robert'); DELETE FROM classes WHERE ('1'='1",
];

export function describeStoreContract(backend: string, dataDir: string, open: (dataDir: string) => Promise<StoreUnderTest>): void {
  describe(`${backend} store contract (${path.basename(dataDir)} data)`, () => {
    const ref = new ReferenceAnswers(dataDir);
    const byFrequency = ref.labelsByFrequency();
    const frequent = byFrequency.slice(0, 3);
    const rare = byFrequency.slice(-3);
    const sampleIds = ref.imageIds.filter((_, i) => i % Math.max(1, Math.floor(ref.imageIds.length / 100)) === 0).slice(0, 100);
    const relationIds = [...new Set(ref.relations.map((r) => r.imageId))].sort(byBytes).slice(0, 60);
    let subject: StoreUnderTest;
    let store: MetadataStore;

    beforeAll(async () => {
      subject = await open(dataDir);
      store = subject.store;
    });
    afterAll(async () => subject?.close());

    test('catalog: every class with its image count, relation types with theirs, in order', async () => {
      expect(await store.readCatalog()).toEqual(ref.catalog());
    });

    test('findImages finds the known ids (from labels or relations) once each, and nothing else', async () => {
      const ids = [...sampleIds, ...relationIds.slice(0, 10), sampleIds[0], 'not-an-image', 'ffffffffffffffff'];
      const found = await store.findImages(ids);
      expect([...found].sort(byBytes)).toEqual(ref.findImages(ids));
      expect(await store.findImages([])).toEqual([]);
    });

    test('labelsOfImages and relationsOfImages for one id and for a batch of 100', async () => {
      const one = relationIds[0];
      expect(sortLabels(await store.labelsOfImages([one]))).toEqual(ref.labelsOfImages([one]));
      expect(sortRelations(await store.relationsOfImages([one]))).toEqual(ref.relationsOfImages([one]));
      const batch = [...sampleIds.slice(0, 70), ...relationIds.slice(0, 30)];
      const labels = ref.labelsOfImages(batch);
      const relations = ref.relationsOfImages(batch);
      expect(labels.length).toBeGreaterThan(0);
      expect(relations.length).toBeGreaterThan(0);
      expect(sortLabels(await store.labelsOfImages(batch))).toEqual(labels);
      expect(sortRelations(await store.relationsOfImages(batch))).toEqual(relations);
    });

    test('searchImages ANY: by matched classes (desc) then id, with the exact total', async () => {
      const expected = ref.searchImages(frequent, 'ANY', { offset: 0, limit: 10 });
      expect(expected.totalCount).toBeGreaterThan(10);
      expect(expected.items[0].matchedClasses).toBeGreaterThan(1);
      expect(await store.searchImages(frequent, 'ANY', { offset: 0, limit: 10 })).toEqual(expected);
      expect(await store.searchImages(rare, 'ANY', { offset: 0, limit: 10 })).toEqual(ref.searchImages(rare, 'ANY', { offset: 0, limit: 10 }));
    });

    test('searchImages ALL: only images with every class; repeated classes count once', async () => {
      const pair = coOccurringPair(ref, byFrequency.slice(0, 12));
      const expected = ref.searchImages(pair, 'ALL', { offset: 0, limit: 10 });
      expect(expected.totalCount).toBeGreaterThan(0);
      expect(await store.searchImages(pair, 'ALL', { offset: 0, limit: 10 })).toEqual(expected);
      expect(await store.searchImages([pair[0], pair[0]], 'ALL', { offset: 0, limit: 10 })).toEqual(ref.searchImages([pair[0]], 'ALL', { offset: 0, limit: 10 }));
      expect(await store.searchImages([pair[0], '/m/not-a-class'], 'ALL', { offset: 0, limit: 10 })).toEqual({ items: [], totalCount: 0 });
    });

    test('searchImages pages: consecutive slices make up the ordered whole; past the end keeps the total', async () => {
      const whole = ref.searchImages(frequent, 'ANY', { offset: 0, limit: 40 });
      const pages = [];
      for (let offset = 0; offset < 40; offset += 7) pages.push(...(await store.searchImages(frequent, 'ANY', { offset, limit: Math.min(7, 40 - offset) })).items);
      expect(pages).toEqual(whole.items);
      const past = await store.searchImages(frequent, 'ANY', { offset: whole.totalCount + 5, limit: 10 });
      expect(past).toEqual({ items: [], totalCount: whole.totalCount });
      const last = await store.searchImages(frequent, 'ANY', { offset: whole.totalCount - 2, limit: 10 });
      expect(last).toEqual(ref.searchImages(frequent, 'ANY', { offset: whole.totalCount - 2, limit: 10 }));
      expect(last.items).toHaveLength(2);
    });

    test('imagesOfClasses: one ordered slice per class, in the order asked, unknown classes empty', async () => {
      const labels = [rare[0], frequent[0], '/m/not-a-class', frequent[1]];
      expect(await store.imagesOfClasses(labels, { offset: 0, limit: 5 })).toEqual(ref.imagesOfClasses(labels, { offset: 0, limit: 5 }));
      expect(await store.imagesOfClasses(labels, { offset: 3, limit: 4 })).toEqual(ref.imagesOfClasses(labels, { offset: 3, limit: 4 }));
      const beyond = ref.imagesByLabel.get(frequent[0])!.length + 1;
      expect(await store.imagesOfClasses([frequent[0]], { offset: beyond, limit: 5 })).toEqual([{ label: frequent[0], imageIds: [] }]);
    });

    test('searchRelations: %, _ and case-insensitive patterns, ordered, with totals', async () => {
      const common = mostCommonSubjectDescription(ref);
      const cases = [
        { subject: '%', relation: '%', object: '%' },
        { subject: common.toUpperCase(), relation: '%', object: '%' },
        { subject: `${common.slice(0, 2).toLowerCase()}%`, relation: 'H%', object: '%' },
        { subject: '%', relation: '__', object: '%a%' },
        { subject: '%', relation: 'h_lds', object: '_%' },
      ];
      for (const patterns of cases) {
        const expected = ref.searchRelations(patterns, { offset: 0, limit: 15 });
        expect(expected.totalCount).toBeGreaterThan(0);
        expect(await store.searchRelations(patterns, { offset: 0, limit: 15 })).toEqual(expected);
      }
    });

    test('searchRelations: backslash escapes % and _ to match them literally', async () => {
      const cases = [
        { subject: '%', relation: 'inside\\_of', object: '%' },
        { subject: '%', relation: 'in%\\_%', object: '%' },
        { subject: '%', relation: 'inside\\%', object: '%' },
        { subject: '100\\%', relation: '%', object: '%' },
        { subject: '%\\_%', relation: '%', object: '%' },
      ];
      for (const patterns of cases) {
        expect(await store.searchRelations(patterns, { offset: 0, limit: 10 })).toEqual(ref.searchRelations(patterns, { offset: 0, limit: 10 }));
      }
      expect((await store.searchRelations({ subject: '%', relation: 'inside%', object: '%' }, { offset: 0, limit: 1 })).totalCount).toBeGreaterThan(0);
    });

    test('searchRelations pages add up; past the end keeps the total', async () => {
      const patterns = { subject: '%', relation: 'on', object: '%' };
      const whole = ref.searchRelations(patterns, { offset: 0, limit: 60 });
      const pages = [];
      for (let offset = 0; offset < 60; offset += 25) pages.push(...(await store.searchRelations(patterns, { offset, limit: Math.min(25, 60 - offset) })).items);
      expect(pages).toEqual(whole.items);
      expect(await store.searchRelations(patterns, { offset: whole.totalCount, limit: 5 })).toEqual({ items: [], totalCount: whole.totalCount });
    });

    test('hostile strings (quotes, DROP TABLE, unicode, markers) match only literally and change nothing', async () => {
      for (const text of HOSTILE_STRINGS) {
        expect(await store.findImages([text])).toEqual([]);
        expect(await store.labelsOfImages([text, sampleIds[0]])).toEqual(expect.arrayContaining(ref.labelsOfImages([sampleIds[0]])));
        expect(await store.relationsOfImages([text])).toEqual([]);
        expect(await store.searchImages([text], 'ANY', { offset: 0, limit: 5 })).toEqual({ items: [], totalCount: 0 });
        expect(await store.imagesOfClasses([text], { offset: 0, limit: 5 })).toEqual([{ label: text, imageIds: [] }]);
        const patterns = { subject: text, relation: '%', object: '%' };
        expect(await store.searchRelations(patterns, { offset: 0, limit: 5 })).toEqual(ref.searchRelations(patterns, { offset: 0, limit: 5 }));
      }
      expect(await store.readCatalog()).toEqual(ref.catalog());
    });
  });
}

/** Two frequent classes that share some images but not all (an interesting ALL search). */
function coOccurringPair(ref: ReferenceAnswers, labels: string[]): [string, string] {
  let best: [string, string] = [labels[0], labels[1]];
  let bestShared = -1;
  for (const a of labels) {
    for (const b of labels) {
      if (byBytes(a, b) >= 0) continue;
      const shared = ref.searchImages([a, b], 'ALL', { offset: 0, limit: 0 }).totalCount;
      if (shared > bestShared) [best, bestShared] = [[a, b], shared];
    }
  }
  return best;
}

function mostCommonSubjectDescription(ref: ReferenceAnswers): string {
  const counts = new Map<string, number>();
  for (const r of ref.relations) counts.set(r.subject, (counts.get(r.subject) ?? 0) + 1);
  const label = [...counts].sort((a, b) => b[1] - a[1] || byBytes(a[0], b[0]))[0][0];
  return ref.classes.find((c) => c.label === label)!.description;
}
