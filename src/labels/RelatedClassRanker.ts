import { classNames, normalizeName } from './classNames';
import { isStop, splitSynonyms, type LabelClassMatcher, type LinkableClass } from './LabelClassMatcher';
import type { WordNetNouns } from './WordNetNouns';

/** Edges walked through WordNet from a label's synsets: up its hypernyms, then down their hyponyms. */
const MAX_WORDNET_DISTANCE = 4;
const MAX_UP = 3;
/** Candidates kept per label: enough for the caller to find 5 with images among them. */
const MAX_CANDIDATES = 60;

/**
 * The classes near a label, most relevant first, whether or not they have images (the caller keeps the
 * ones that do): every class is a candidate, the label's own link is not.
 *
 * 1. Other classes the label names: a synonym that is a class name ("projectile, missile").
 * 2. Classes whose name holds a synonym of the label, then the linked class's name, as whole words:
 *    "Coffee" -> "Iced coffee" (a kind of it, ending with the name) before "Coffee cup", "Coffee table";
 *    never "Coffeemaker".
 * 3. Classes up and down WordNet from the label's and the linked class's synsets, nearest first: up
 *    the hypernyms (parents), then down the hyponyms (children, and the parents' other children).
 */
export class RelatedClassRanker<C extends LinkableClass = LinkableClass> {
  /** Every class's name words, and the classes having each word: the index of step 2. */
  private readonly words = new Map<C, string[]>();
  private readonly byWord = new Map<string, C[]>();

  constructor(
    classes: readonly C[],
    private readonly matcher: LabelClassMatcher<C>,
    private readonly wordnet: WordNetNouns,
  ) {
    for (const record of classes) {
      const words = classNames(record.description)[0].text.split(' ');
      this.words.set(record, words);
      for (const word of new Set(words)) {
        const holders = this.byWord.get(word);
        if (holders) holders.push(record);
        else this.byWord.set(word, [record]);
      }
    }
  }

  rank(label: string, linked: C | null): C[] {
    const found = new Set<C>();
    const add = (records: Iterable<C>) => {
      for (const record of records) if (record !== linked && found.size < MAX_CANDIDATES) found.add(record);
    };
    add(this.matcher.classesNamedBy(label));
    const names = [...new Set([...splitSynonyms(label), ...(linked ? [classNames(linked.description)[0].text] : [])])];
    for (const name of names) add(this.classesContaining(name));
    add(this.wordnetNeighbours([...this.matcher.synsetsOfLabel(label), ...(linked ? this.matcher.synsetsOfClass(linked) : [])]));
    return [...found];
  }

  /** Classes whose name holds `name` as whole words; kinds of it (the name at the end) first, then shorter. */
  private classesContaining(name: string): C[] {
    const wanted = normalizeName(name).split(' ');
    const candidates = this.byWord.get(wanted[0]) ?? [];
    const hits: { record: C; atEnd: boolean; length: number }[] = [];
    for (const record of candidates) {
      const words = this.words.get(record)!;
      if (words.length <= wanted.length) continue;
      const at = findRun(words, wanted);
      if (at >= 0) hits.push({ record, atEnd: at + wanted.length === words.length, length: words.length });
    }
    hits.sort((a, b) => Number(b.atEnd) - Number(a.atEnd) || a.length - b.length || compare(a.record.description, b.record.description));
    return hits.map((hit) => hit.record);
  }

  /**
   * Breadth-first from `starts`: while going up, a step may go to a parent or a child; once down, only
   * to children (a child's other parents are not near), and below an ancestor no deeper than the start.
   * Stop synsets (entity, artifact, ...) are not entered.
   */
  private wordnetNeighbours(starts: number[]): C[] {
    const found: C[] = [];
    const seen = new Set<number>(starts);
    let level = [...seen].map((offset) => ({ offset, up: 0, down: 0 }));
    for (let distance = 1; distance <= MAX_WORDNET_DISTANCE && level.length > 0 && found.length < MAX_CANDIDATES; distance++) {
      const next: typeof level = [];
      const visit = (offset: number, up: number, down: number) => {
        if (seen.has(offset)) return;
        seen.add(offset);
        const synset = this.wordnet.synset(offset);
        if (isStop(synset)) return;
        const record = this.matcher.classOfSynset(offset);
        if (record) found.push(record);
        next.push({ offset, up, down });
      };
      // Children first at each distance: a kind of the thing is nearer in meaning than what it is a kind of.
      for (const step of level) {
        // Across from an ancestor, no deeper than the label itself: cup -> container -> wheeled vehicle, not on to Bicycle.
        if (step.up > 0 && step.down >= step.up) continue;
        for (const child of this.wordnet.synset(step.offset).hyponyms) visit(child, step.up, step.down + 1);
      }
      for (const step of level) {
        if (step.down > 0 || step.up >= MAX_UP) continue;
        for (const parent of this.wordnet.synset(step.offset).hypernyms) visit(parent, step.up + 1, 0);
      }
      level = next;
    }
    return found;
  }
}

function findRun(words: string[], run: string[]): number {
  for (let i = 0; i + run.length <= words.length; i++) {
    if (run.every((word, j) => words[i + j] === word)) return i;
  }
  return -1;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
