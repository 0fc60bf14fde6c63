import { classNames, normalizeName } from './classNames';
import { singularForms, type NounSynset, type WordNetNouns } from './WordNetNouns';

/** The part of a class the matcher needs. */
export interface LinkableClass {
  label: string;
  description: string;
}

/** A label's class, and how it was found (for reports and tests). */
export interface LabelLink<C extends LinkableClass = LinkableClass> {
  class: C;
  via: 'name' | 'wordnet';
  /** The first lemma of the synset where the walk up the hypernyms met the class. */
  synset?: string;
}

/** Synsets above which the walk does not go: nothing above them names an everyday thing. */
const STOP_LEMMAS = new Set([
  'entity',
  'physical entity',
  'abstraction',
  'object',
  'whole',
  'artifact',
  'thing',
  'matter',
  'living thing',
  'organism',
  'causal agent',
  'instrumentality',
  'group',
  'substance',
  'part',
  'location',
]);

/** WordNet lexicographer files: 6 artifact, 13 food, 17 natural object, 20 plant, 8 body, 18 person. */
const LABEL_LEX_FILES = [6, 13, 17, 20, 8];
const CLASS_THING_LEX_FILES = [6, 13, 17, 8];
const PLANT_LEX_FILE = 20;
const PERSON_LEX_FILE = 18;
/** attribute (colours, qualities), feeling */
const ABSTRACT_LEX_FILES = [7, 12];

const MAX_WALK_DEPTH = 18;

interface SynsetClaim<C> {
  record: C;
  /** 0-based sense number of the claiming name: the lower, the more the name means this synset. */
  rank: number;
}

/**
 * Links model labels to the Open Images classes they name.
 *
 * 1. Exact names: the label or one of its comma-separated synonyms equals a class description or alias
 *    (case-insensitive); with several, the longest name wins ("mouse, computer mouse" -> Computer mouse).
 * 2. WordNet: the label's synset, then its hypernyms breadth-first; of the synsets a class names, the
 *    most specific (none of the others below it), nearest first: "macaw" -> parrot -> Parrot,
 *    "Boston bull" -> terrier -> dog -> Dog, "ptarmigan" -> grouse -> bird -> Bird (not game -> Animal).
 *    The label's synset is the one holding most of its synonyms ("Boston bull, Boston terrier"); a
 *    label with one synonym takes its first sense of the depictable kinds (animal, artifact, food, ...).
 * 3. A phrase WordNet does not know: the same with leading words dropped ("vehicle door" -> "door").
 *
 * A class names one synset per name: the first sense of its description that is a physical thing (and
 * not a person, unless the class is people), unless classNames pins another; aliases add more.
 */
export class LabelClassMatcher<C extends LinkableClass = LinkableClass> {
  private readonly sorted: C[];
  private readonly byName = new Map<string, C>();
  private readonly bySynset = new Map<number, SynsetClaim<C>>();
  private readonly physicalEntity: number;
  private readonly animal: number;
  private readonly ancestorMemo = new Map<number, Set<number>>();

  constructor(
    classes: readonly C[],
    private readonly wordnet: WordNetNouns,
  ) {
    this.physicalEntity = wordnet.senses('physical entity')[0];
    this.animal = wordnet.senses('animal')[0];
    this.sorted = [...classes].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    for (const record of this.sorted) {
      for (const name of classNames(record.description)) {
        if (name.exact && !this.byName.has(name.text)) this.byName.set(name.text, record);
      }
    }
  }

  /** A matcher with every class's synsets claimed, built in one go (scripts, tests). */
  static create<C extends LinkableClass>(classes: readonly C[], wordnet: WordNetNouns): LabelClassMatcher<C> {
    const matcher = new LabelClassMatcher(classes, wordnet);
    for (const slice of matcher.claimInSlices(Infinity)) void slice;
    return matcher;
  }

  /**
   * Finds the synsets each class names, `size` classes per step: the caller may yield to the event loop
   * between steps. Exact names work before this; WordNet links need it done.
   */
  *claimInSlices(size: number): Generator<number> {
    for (let i = 0; i < this.sorted.length; i += size) {
      for (const record of this.sorted.slice(i, i + size)) this.claimSynsets(record);
      yield Math.min(i + size, this.sorted.length);
    }
  }

  /** The number of synsets the classes name (for reports). */
  get namedSynsets(): number {
    return this.bySynset.size;
  }

  /** The classes named exactly by each synonym of a label, in synonym order (for related classes). */
  classesNamedBy(label: string): C[] {
    return splitSynonyms(label).flatMap((synonym) => this.exactName([synonym]) ?? []);
  }

  /** The synsets a label means (see labelSynsets); empty when WordNet does not know it. */
  synsetsOfLabel(label: string): number[] {
    const synonyms = splitSynonyms(label);
    return synonyms.length === 0 ? [] : this.labelSynsets(synonyms);
  }

  /** The class that names a synset, if any. */
  classOfSynset(offset: number): C | undefined {
    return this.bySynset.get(offset)?.record;
  }

  /** The synsets a class names (after claimInSlices). */
  synsetsOfClass(record: C): number[] {
    return [...this.bySynset].flatMap(([offset, claim]) => (claim.record === record ? [offset] : []));
  }

  link(label: string): LabelLink<C> | null {
    const synonyms = splitSynonyms(label);
    if (synonyms.length === 0) return null;
    const exact = this.exactName(synonyms);
    if (exact) return { class: exact, via: 'name' };
    const starts = this.labelSynsets(synonyms);
    if (starts.length > 0) {
      for (const start of starts) {
        const found = this.walkUp(start);
        if (found) return found;
      }
      return null;
    }
    // Not in WordNet at all: the head of the phrase, in its first sense ("vehicle door" -> "door").
    const words = synonyms[0].split(' ');
    for (let i = 1; i < words.length; i++) {
      const head = words.slice(i).join(' ');
      const byName = this.byName.get(head);
      if (byName) return { class: byName, via: 'name' };
      const first = this.wordnet.senses(head)[0];
      if (first !== undefined) return this.walkUp(first);
    }
    return null;
  }

  private exactName(synonyms: string[]): C | undefined {
    let best: { record: C; length: number } | undefined;
    for (const synonym of synonyms) {
      const record =
        this.byName.get(synonym) ??
        singularForms(synonym)
          .map((s) => this.byName.get(s))
          .find(Boolean);
      if (record && (!best || synonym.length > best.length)) best = { record, length: synonym.length };
    }
    return best?.record;
  }

  /**
   * The label's synset: the one holding the most of its synonyms when that is more than one (an ImageNet
   * label lists its synset's lemmas). Otherwise the first sense of the most depictable kind present
   * (WordNet's sense order within the kind), followed by the other senses of that kind, which the walk
   * tries in turn: "cloak" is first a covering, then the garment.
   */
  private labelSynsets(synonyms: string[]): number[] {
    const votes = new Map<number, number>();
    const order: number[] = [];
    for (const synonym of synonyms) {
      for (const offset of this.wordnet.senses(synonym)) {
        if (!votes.has(offset)) order.push(offset);
        votes.set(offset, (votes.get(offset) ?? 0) + 1);
      }
    }
    if (order.length === 0) return [];
    const most = Math.max(...votes.values());
    if (most > 1) {
      // "harvester, reaper" is both the farm machine and the person: the depictable reading wins a tie.
      const tied = order.filter((offset) => votes.get(offset) === most);
      return [this.mostDepictable(tied, 'label') ?? tied[0]];
    }
    // A word whose commonest sense is a quality or a feeling ("blue", "red") means that, not a rarer
    // thing of the same name (the blue butterfly). Acts, events and states do not count: "baseball"
    // the game is pictured as the ball, "wreck" the ruin as the wrecked ship.
    if (ABSTRACT_LEX_FILES.includes(this.wordnet.synset(order[0]).lexFile)) return [order[0]];
    const first = this.mostDepictable(order, 'label') ?? order[0];
    const kind = this.wordnet.synset(first).lexFile;
    return [first, ...order.filter((offset) => offset !== first && this.wordnet.synset(offset).lexFile === kind)];
  }

  /**
   * The sense a photo most likely shows. A kind of animal first, for labels and classes alike ("slug"
   * the animal, not the bullet; "Leopard", not its pelt; "Turtle", not the sweater).
   * For a label, then the first sense of the most depictable kind: made thing, food, natural object,
   * plant, body part ("chest" the box, not the thorax; "broom" the implement, not the shrub).
   * For a class, then the first made thing, food, natural object or body part in WordNet's own sense
   * order ("Grape" the fruit, not grapeshot; "Lemon" the fruit, not the bad car), then a plant ("Banana"
   * the fruit before the tree). Never a person sense; people classes pin theirs (classNames).
   */
  private mostDepictable(offsets: number[], reading: 'label' | 'class'): number | undefined {
    const lexFile = (offset: number) => this.wordnet.synset(offset).lexFile;
    const animal = offsets.find((offset) => this.ancestors(offset).has(this.animal));
    if (animal !== undefined) return animal;
    if (reading === 'class') {
      return offsets.find((offset) => CLASS_THING_LEX_FILES.includes(lexFile(offset))) ?? offsets.find((offset) => lexFile(offset) === PLANT_LEX_FILE);
    }
    for (const kind of LABEL_LEX_FILES) {
      const found = offsets.find((offset) => lexFile(offset) === kind);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The most specific class up the hypernyms of `start`; the nearest when several are. */
  private walkUp(start: number): LabelLink<C> | null {
    const hits: number[] = [];
    let level = [start];
    const seen = new Set(level);
    for (let depth = 0; depth <= MAX_WALK_DEPTH && level.length > 0; depth++) {
      const next: number[] = [];
      for (const offset of level) {
        if (this.bySynset.has(offset)) hits.push(offset);
        const synset = this.wordnet.synset(offset);
        if (isStop(synset)) continue;
        for (const parent of synset.hypernyms) {
          if (!seen.has(parent)) {
            seen.add(parent);
            next.push(parent);
          }
        }
      }
      level = next;
    }
    // Hits come nearest first; skip any that is an ancestor of another (game -> Animal under grouse -> Bird).
    const specific = hits.find((hit) => !hits.some((other) => other !== hit && this.ancestors(other).has(hit)));
    if (specific === undefined) return null;
    return { class: this.bySynset.get(specific)!.record, via: 'wordnet', synset: this.wordnet.synset(specific).lemmas[0] };
  }

  private claimSynsets(record: C): void {
    const names = classNames(record.description);
    for (const name of names) {
      const senses = this.wordnet.senses(name.text);
      let claimed: number | undefined;
      if (name.sense !== undefined) {
        claimed = senses[name.sense - 1];
      } else {
        const fitting = senses.filter((offset) => {
          if (name.qualifier && !this.isBelow(offset, name.qualifier)) return false;
          return this.ancestors(offset).has(this.physicalEntity);
        });
        claimed = this.mostDepictable(fitting, 'class') ?? fitting.find((offset) => this.wordnet.synset(offset).lexFile !== PERSON_LEX_FILE);
      }
      if (claimed === undefined) continue;
      const rank = senses.indexOf(claimed);
      const claim = this.bySynset.get(claimed);
      if (!claim || rank < claim.rank) this.bySynset.set(claimed, { record, rank });
    }
  }

  private isBelow(offset: number, lemma: string): boolean {
    const ancestors = this.ancestors(offset);
    return this.wordnet.senses(lemma).some((sense) => ancestors.has(sense));
  }

  /** The synset and all its hypernyms, transitively. */
  private ancestors(offset: number): Set<number> {
    let found = this.ancestorMemo.get(offset);
    if (!found) {
      found = new Set([offset]);
      for (const parent of this.wordnet.synset(offset).hypernyms) for (const a of this.ancestors(parent)) found.add(a);
      this.ancestorMemo.set(offset, found);
    }
    return found;
  }
}

export function isStop(synset: NounSynset): boolean {
  return synset.lemmas.some((lemma) => STOP_LEMMAS.has(lemma.toLowerCase()));
}

/** "tabby, tabby cat" -> ["tabby", "tabby cat"]; underscores and case normalised. */
export function splitSynonyms(label: string): string[] {
  return [...new Set(label.split(',').map(normalizeName).filter(Boolean))];
}
