import fs from 'node:fs';
import { CLASS_ALIASES, DESCRIPTION_SENSES, classNames } from '../../src/labels/classNames';
import { WordNetNouns } from '../../src/labels/WordNetNouns';
import { noticeSkipped } from '../support/sharedData';
import { readClasses, SHARED_CLASSES_CSV } from './support';

describe('class names and aliases', () => {
  const wordnet = new WordNetNouns();
  afterAll(() => wordnet.close());

  it('reads a description with a qualifier, pins and exact-name markers', () => {
    expect(classNames('Drill (Tool)')[0]).toEqual({ text: 'drill', qualifier: 'tool', sense: undefined, description: true, exact: true });
    expect(classNames('Plant')[0]).toMatchObject({ text: 'plant', sense: 2 });
    expect(classNames('Human head')).toContainEqual({ text: 'head', sense: 1, description: false, exact: false });
  });

  it('every alias names a WordNet noun, in the sense it pins (a typo cannot pass unnoticed)', () => {
    for (const [description, aliases] of Object.entries(CLASS_ALIASES)) {
      for (const name of classNames(description).filter((n) => !n.description)) {
        const senses = wordnet.senses(name.text);
        const exactOnly = name.exact && name.sense === undefined && senses.length === 0;
        // An exact-name alias may be absent from WordNet (it then links labels by name only).
        if (!exactOnly) expect({ description, alias: name.text, found: senses.length >= (name.sense ?? 1) }).toEqual({ description, alias: name.text, found: true });
      }
      expect(aliases).toBeDefined();
    }
  });

  it('aliases and pinned senses name classes that exist', () => {
    if (!fs.existsSync(SHARED_CLASSES_CSV)) {
      noticeSkipped('class alias names checked against the 601 Open Images classes');
      return;
    }
    const descriptions = new Set(readClasses(SHARED_CLASSES_CSV).map((c) => c.description));
    for (const description of [...Object.keys(CLASS_ALIASES), ...Object.keys(DESCRIPTION_SENSES)]) expect(descriptions).toContain(description);
  });
});
