import fs from 'node:fs';
import path from 'node:path';
import { LabelLinker } from '../src/labels/LabelLinker';
import { projectRoot } from '../src/paths';
import { CliFailure, existingFile, runCli } from '../scripts/support/cli';

const USAGE = `Usage: npm run bench:labels -- [--classes <classes.csv>] [--labels <metadata.json>] [--list]

Links a model's labels to Open Images classes the way the gateway does (WordNet read on demand, in
slices that yield to the event loop) and prints: the time to build the class index, the time to link
the labels, the coverage, how much of WordNet was read, the memory it took, and the longest the event
loop was blocked meanwhile (what a concurrent request would have waited at most); then the time to rank
each label's related classes (Label.relatedClasses) on first sight.

  --classes <file>   Label,Description CSV (default ../shared/data/openimages/classes.csv, else the demo classes)
  --labels <file>    a model's metadata.json with "labels" (default default-model/metadata.json)
  --list             also print every label with its class (or "-") and how it was linked
`;

runCli(
  {
    usage: USAGE,
    options: {
      classes: { type: 'string' },
      labels: { type: 'string' },
      list: { type: 'boolean' },
    },
  },
  async ({ values }) => {
    const root = projectRoot();
    const sharedClasses = path.resolve(root, '..', 'shared', 'data', 'openimages', 'classes.csv');
    const classesFile = existingFile('--classes', values.classes ?? (fs.existsSync(sharedClasses) ? sharedClasses : path.join(root, 'src', 'store', 'demo', 'classes.csv')));
    const labelsFile = existingFile('--labels', values.labels ?? path.join(root, 'default-model', 'metadata.json'));
    const classes = readClasses(classesFile);
    const labels = readLabels(labelsFile);

    const memoryBefore = settledMemory();
    const stalls = watchEventLoop();
    const linker = new LabelLinker(classes);
    const started = performance.now();
    const table = await linker.prepare(labels);
    const total = performance.now() - started;
    const longestStall = stalls.stop();
    const memoryAfter = settledMemory();
    const again = performance.now();
    await linker.prepare(labels);
    const cached = performance.now() - again;
    const stats = linker.stats();

    if (values.list) {
      table.links.forEach((link, i) => console.log(`${labels[i]} => ${link ? `${link.class.description} [${link.via}${link.synset ? `: ${link.synset}` : ''}]` : '-'}`));
    }
    const byName = table.links.filter((link) => link?.via === 'name').length;
    console.log(`classes: ${classes.length} (${path.relative(process.cwd(), classesFile)}); labels: ${labels.length} (${path.relative(process.cwd(), labelsFile)})`);
    console.log(`coverage: ${table.linked}/${labels.length} labels linked (${pct(table.linked, labels.length)}): ${byName} by name, ${table.linked - byName} through WordNet`);
    console.log(`class index (WordNet senses of the class names): ${ms(stats.buildMilliseconds ?? 0)}`);
    console.log(`linking the labels: ${ms(table.milliseconds)}; first prepare() in all: ${ms(total)}; the same label set again (cached): ${ms(cached)}`);
    console.log(`WordNet read: ${stats.synsetsRead} synsets of 82k (files are read on demand, never loaded whole)`);
    console.log(`memory: heap +${mb(memoryAfter.heapUsed - memoryBefore.heapUsed)}, rss +${mb(memoryAfter.rss - memoryBefore.rss)}`);
    console.log(
      `longest slice of linking work between two yields: ${ms(stats.longestSliceMilliseconds)}; longest event-loop gap seen meanwhile (includes the OS scheduling this process out): ${ms(longestStall)}`,
    );
    const related = await timeRelatedClasses(linker, labels, table.links);
    console.log(
      `related classes (first sight of each label, unfiltered candidates): ${ms(related.total)} for ${labels.length} labels; median ${related.median.toFixed(2)} ms, ` +
        `p99 ${related.p99.toFixed(1)} ms, max ${related.max.toFixed(1)} ms; WordNet read in all now: ${linker.stats().synsetsRead} synsets`,
    );
    linker.close();
    if (table.linked === 0 && labels.length > 0) throw new CliFailure('no label linked: is the classes file right?');
  },
);

/** Label.relatedClasses' ranking per label, on first sight (then it is remembered). */
async function timeRelatedClasses<C extends { label: string; description: string }>(
  linker: LabelLinker<C>,
  labels: string[],
  links: ReadonlyArray<{ class: C } | null>,
): Promise<{ total: number; median: number; p99: number; max: number }> {
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < labels.length; i++) {
    const one = performance.now();
    await linker.relatedClasses(labels[i], links[i]?.class ?? null);
    times.push(performance.now() - one);
  }
  const total = performance.now() - started;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { total, median: at(0.5), p99: at(0.99), max: at(1) };
}

function readClasses(file: string): { label: string; description: string }[] {
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => ({
    label: line.slice(0, line.indexOf(',')),
    description: line
      .slice(line.indexOf(',') + 1)
      .replace(/^"|"$/g, '')
      .trim(),
  }));
}

function readLabels(file: string): string[] {
  const labels = (JSON.parse(fs.readFileSync(file, 'utf8')) as { labels?: unknown }).labels;
  if (!Array.isArray(labels)) throw new CliFailure(`${file} has no "labels" array`);
  return labels.map(String);
}

/** The longest gap between two timer turns, i.e. the longest any other work had to wait. */
function watchEventLoop(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return longest;
    },
  };
}

function settledMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
