import fs from 'node:fs';
import path from 'node:path';
import { LabelClassMatcher } from '../../src/labels/LabelClassMatcher';
import { RelatedClassRanker } from '../../src/labels/RelatedClassRanker';
import { WordNetNouns } from '../../src/labels/WordNetNouns';
import { hasSharedData, noticeSkipped, OPEN_IMAGES_DIR } from '../support/sharedData';
import { DEMO_CLASSES_CSV, readClasses, SHARED_CLASSES_CSV, type CatalogClass } from './support';

const wordnet = new WordNetNouns();
afterAll(() => wordnet.close());

function rankerFor(classes: CatalogClass[]) {
  const matcher = LabelClassMatcher.create(classes, wordnet);
  const ranker = new RelatedClassRanker(classes, matcher, wordnet);
  /** The label's class and its related classes by description, as MetadataService keeps them: only those `keep` accepts, at most 5. */
  return (label: string, keep: (record: CatalogClass) => boolean = () => true) => {
    const linked = matcher.link(label)?.class ?? null;
    const related = ranker.rank(label, linked);
    expect(related).not.toContain(linked);
    return {
      linked: linked?.description ?? null,
      related: related
        .filter(keep)
        .slice(0, 5)
        .map((record) => record.description),
    };
  };
}

describe('RelatedClassRanker on the demo catalog (31 classes, on any clone)', () => {
  const related = rankerFor(readClasses(DEMO_CLASSES_CSV));

  it('offers the classes whose name holds the linked class name first: espresso -> Coffee -> Coffee cup', () => {
    expect(related('espresso')).toEqual({ linked: 'Coffee', related: ['Coffee cup'] });
  });

  it('offers related classes for a label that links to no class', () => {
    expect(related('coffee mug').linked).toBeNull();
    expect(related('coffee mug').related).toContain('Bottle'); // both containers in WordNet
    expect(related('space shuttle').related[0]).toBe('Rocket');
  });

  it('goes up WordNet and across to the nearest other kinds: a tabby cat -> Cat, then Dog (both carnivores)', () => {
    expect(related('tabby, tabby cat')).toEqual({ linked: 'Cat', related: ['Dog'] });
  });
});

describe('RelatedClassRanker on the 601 classes of ../shared, keeping those with images', () => {
  if (!hasSharedData) {
    noticeSkipped('related classes on the shared Open Images catalog');
    it.skip('needs ../shared/data/openimages', () => undefined);
    return;
  }
  const related = rankerFor(readClasses(SHARED_CLASSES_CSV));
  const imageCounts = new Map<string, number>();
  for (const line of fs.readFileSync(path.join(OPEN_IMAGES_DIR, 'image_labels.csv'), 'utf8').trim().split('\n').slice(1)) {
    const label = line.slice(line.indexOf(',') + 1).trim();
    imageCounts.set(label, (imageCounts.get(label) ?? 0) + 1);
  }
  const withImages = (record: CatalogClass) => (imageCounts.get(record.label) ?? 0) > 0;

  it('espresso links to Coffee (no images) and offers Coffee cup first; whole words only, never Coffeemaker', () => {
    const all = related('espresso');
    expect(all.linked).toBe('Coffee');
    expect(all.related.slice(0, 2)).toEqual(['Coffee cup', 'Coffee table']);
    expect(all.related).not.toContain('Coffeemaker');
    expect(related('espresso', withImages).related[0]).toBe('Coffee cup');
  });

  it('a missile (no images, nor has Rocket) leads to classes that have images, up and down the hierarchy', () => {
    const all = related('missile');
    expect(all).toMatchObject({ linked: 'Missile', related: expect.arrayContaining(['Rocket', 'Weapon']) });
    const kept = related('missile', withImages).related;
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toContain('Aircraft');
  });

  it('kinds of the linked class first, then its parents, then classes across: macaw -> Parrot -> Bird; mountain bike -> Bicycle', () => {
    expect(related('macaw').related[0]).toBe('Bird');
    const bike = related('mountain bike, all-terrain bike, off-roader');
    expect(bike.linked).toBe('Bicycle');
    expect(bike.related.slice(0, 3)).toEqual(['Stationary bicycle', 'Bicycle helmet', 'Bicycle wheel']);
    // None of those has images in the shared data: what is kept comes from further across (vehicles).
    expect(related('mountain bike, all-terrain bike, off-roader', withImages).related.length).toBeGreaterThan(0);
  });

  it('ranks the other classes a label names first, then classes holding its words', () => {
    expect(related('porcupine, hedgehog').related[0]).toBe('Hedgehog');
    expect(related('mouse, computer mouse')).toMatchObject({ linked: 'Computer mouse', related: expect.arrayContaining(['Mouse']) });
    expect(related('mouse, computer mouse').related[0]).toBe('Mouse');
    expect(related('cup').related.slice(0, 2)).toEqual(['Coffee cup', 'Measuring cup']);
    expect(related('espresso maker').related[0]).toBe('Kitchen appliance');
  });
});
