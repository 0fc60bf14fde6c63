import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BACKBONE_DIR } from '../src/backbone/loadBackbone';
import { seededRandom, shuffle } from '../src/embeddings/random';
import { decodeImage } from '../src/models/decodeImage';
import { LoadedModel } from '../src/models/loadedModel';
import { initBackend } from '../src/models/tfBackend';
import { trainClassifier, type TrainOptions } from '../src/training/trainClassifier';
import { TRAINING_DEFAULTS } from '../src/training/trainingDefaults';
import { CliFailure, existingDir, numberOption, runCli } from '../scripts/support/cli';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const FLOWERS = path.join(SHARED, 'data', 'flowers');
/** On photos the choice never saw, after training with the defaults. */
const TARGET = 0.86;
const WALL_TARGET_SECONDS = 40;

const USAGE = `npm run bench:train -- [--backbone <model dir>] [--data <class folders>] [--folds 5] [--candidates all|head|features|defaults] [--seed ${TRAINING_DEFAULTS.seed}]

The quality and cost check of training, on ../shared/data/flowers (5 classes x 100 photos) by default:
  1. npm run train's defaults on all the photos (80/10/10 split, then the refit on every photo), from a
     fresh cache: wall time and CPU time (all threads of this process), so the backbone is included
     (target <= ${WALL_TARGET_SECONDS} s). Without the refit, the written folder would then be loaded as the gateway
     loads it (LoadedModel) and its scores on a few TEST photos compared with the trainer's own (the
     tests check this on every run).
  2. Held-out protocol: the photos are split (stratified, seeded) into a selection half and a held-out
     half. Each candidate (features, fine-tuning, weight decay, augmentation) gets a selection figure,
     --folds-fold cross-validation inside the selection half, and a held-out figure: trained on the whole
     selection half, scored on the held-out half. Settings are chosen by the selection figure; the held-out
     column is the figure to report (it never took part in choosing; target >= ${TARGET}), and a large
     negative held-out − selection gap marks a candidate the selection photos flatter. --candidates head: the defaults and the final vector's weight
     decay and epochs; features: the defaults, mirror images, augmentation, mid-level features and
     fine-tuning; defaults: the defaults alone.
Default backbone: the project's default model (${DEFAULT_BACKBONE_DIR}).`;

const OPTIONS = {
  backbone: { type: 'string' },
  data: { type: 'string' },
  folds: { type: 'string', default: '5' },
  candidates: { type: 'string', default: 'all' },
  seed: { type: 'string', default: String(TRAINING_DEFAULTS.seed) },
} as const;

interface Photo {
  file: string;
  label: string;
}

/** The photos of each class, shuffled with the seed, dealt round-robin into k groups (stratified). */
function dealByClass(photos: Photo[], k: number, seed: number): Photo[][] {
  const groups: Photo[][] = Array.from({ length: k }, () => []);
  const random = seededRandom(seed);
  for (const label of [...new Set(photos.map((photo) => photo.label))].sort()) {
    shuffle(
      photos.filter((photo) => photo.label === label).sort((a, b) => a.file.localeCompare(b.file)),
      random,
    ).forEach((photo, i) => groups[i % k].push(photo));
  }
  return groups;
}

function photosIn(root: string): Photo[] {
  return fs
    .readdirSync(root)
    .filter((name) => fs.statSync(path.join(root, name)).isDirectory())
    .flatMap((label) =>
      fs
        .readdirSync(path.join(root, label))
        .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
        .map((name) => ({ file: path.join(root, label, name), label })),
    );
}

/** An AutoML CSV: `train` rows TRAIN, `test` rows TEST. */
function writeCsv(file: string, train: Photo[], test: Photo[]): string {
  const rows = [...train.map((p) => `TRAIN,${p.file},${p.label}`), ...test.map((p) => `TEST,${p.file},${p.label}`)];
  fs.writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

/** The backbone's last global pooling layer (what it embeds images with), from its model.json. */
function finalPooledLayer(dir: string): string {
  const topology = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology;
  const layers: Array<{ name: string; class_name: string }> = (topology.model_config ?? topology).config.layers;
  const pooling = layers.filter((layer) => layer.class_name === 'GlobalAveragePooling2D').at(-1);
  if (!pooling) throw new CliFailure(`${dir} has no GlobalAveragePooling2D layer`);
  return pooling.name;
}

function hasLayers(dir: string, names: string[]): boolean {
  const text = fs.readFileSync(path.join(dir, 'model.json'), 'utf8');
  return names.every((name) => text.includes(`"name":"${name}"`));
}

type Candidate = { name: string; options: Partial<TrainOptions> };

/**
 * What the held-out protocol compares: the defaults first; `head`: the final vector's weight decay and
 * epochs; `features`: mirror images, augmentation, mid-level features and fine-tuning; `all`: both.
 */
function candidatesFor(dir: string, which: 'all' | 'defaults' | 'head' | 'features'): Candidate[] {
  const folder = (featureLayer: string) => ({ kind: 'folder' as const, dir, featureLayer });
  const final = finalPooledLayer(dir);
  const frozenFinal = { backbone: folder(final), fineTuneFrom: 'none' };
  const list: Candidate[] = [{ name: 'defaults', options: {} }];
  if (which === 'defaults') return list;
  for (const epochs of which === 'features' ? [] : [30, 100]) {
    for (const l2 of [0.0001, 0.001, 0.005, 0.02]) list.push({ name: `${final} (final vector), frozen, ${epochs} epochs, l2 ${l2}`, options: { ...frozenFinal, epochs, l2 } });
  }
  if (which === 'head') return list;
  const settled = { ...frozenFinal, epochs: TRAINING_DEFAULTS.epochs, l2: TRAINING_DEFAULTS.l2 };
  list.push(
    { name: `${final}, frozen, defaults' epochs and l2, no mirror images`, options: { ...settled, mirror: false } },
    { name: `${final}, frozen, defaults' epochs and l2, 2 augmented copies (crop, flip, brightness)`, options: { ...settled, augment: 2 } },
  );
  // MobileNet V2's mid-level features (the former default) and the final vector fine-tuned.
  const mid = 'dwconv_13,conv_28:avg+max';
  if (hasLayers(dir, ['dwconv_13', 'conv_28', 'conv_27', 'conv_33'])) {
    list.push(
      { name: `${mid}, frozen, 100 epochs, l2 0.005`, options: { backbone: folder(mid), fineTuneFrom: 'none', epochs: 100, l2: 0.005 } },
      {
        name: `${mid}, conv_28 fine-tuned 5 epochs (the former default)`,
        options: { backbone: folder(mid), fineTuneFrom: 'conv_27', epochs: 100, l2: 0.005, fineTuneEpochs: 5 },
      },
      { name: `${mid} + ${final}, frozen, 100 epochs, l2 0.005`, options: { backbone: folder(`${mid},${final}`), fineTuneFrom: 'none', epochs: 100, l2: 0.005 } },
      { name: `${final}, conv_34 fine-tuned 5 epochs`, options: { ...settled, fineTuneFrom: 'conv_33', fineTuneEpochs: 5 } },
    );
  }
  return list;
}

function meanAndDeviation(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length) };
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

runCli({ usage: USAGE, options: OPTIONS }, async ({ values }) => {
  const data = existingDir('--data', values.data ?? FLOWERS);
  const backboneDir = path.resolve(values.backbone ? existingDir('--backbone', values.backbone) : DEFAULT_BACKBONE_DIR);
  if (!fs.existsSync(path.join(backboneDir, 'model.json'))) {
    throw new CliFailure(`no backbone at ${backboneDir}: pass --backbone <TF.js layers model folder>, e.g. --backbone ../shared/models/mobilenet_v2_1.0_224`);
  }
  const k = numberOption('--folds', values.folds, { min: 2, integer: true })!;
  const seed = numberOption('--seed', values.seed, { min: 0, integer: true })!;
  const which = values.candidates;
  if (which !== 'all' && which !== 'defaults' && which !== 'head' && which !== 'features') throw new CliFailure('--candidates must be all, head, features or defaults');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const { tf, backend } = await initBackend();
  const common: Partial<TrainOptions> = { backbone: { kind: 'folder', dir: backboneDir }, seed, cacheDir: path.join(work, 'cache') };
  console.log(`TF.js backend: ${backend}; ${os.cpus().length} cores; load average ${loadAverage()}; backbone ${backboneDir}`);

  // 1. The defaults on every photo, as `npm run train -- --data <dir> --out m` runs them.
  const out = path.join(work, 'model');
  const started = performance.now();
  const cpu = process.cpuUsage();
  const full = await trainClassifier(tf, { ...common, data: { kind: 'folder', dir: data }, out });
  const wall = (performance.now() - started) / 1000;
  const { train, validation, test } = full.images;
  console.log(
    `defaults on ${train + validation + test} photos (${train} train / ${validation} validation / ${test} test${full.refitImages ? `, then refit on ${full.refitImages}` : ''}), ` +
      `features ${full.backbone.featureLayer}${full.fineTunedFrom ? `, fine-tuned after ${full.fineTunedFrom}` : ', frozen'}: TEST accuracy ${full.evaluation.accuracy.toFixed(3)}; ` +
      `wall ${wall.toFixed(1)} s${wall <= WALL_TARGET_SECONDS ? '' : ` (above ${WALL_TARGET_SECONDS} s)`} (backbone ${full.seconds.embedding.toFixed(1)} s, training ${full.seconds.training.toFixed(1)} s), ` +
      `CPU ${cpuSeconds(cpu).toFixed(1)} s; load average after ${loadAverage()}`,
  );
  const bytes = fs.readdirSync(out).reduce((sum, name) => sum + fs.statSync(path.join(out, name)).size, 0);
  console.log(`model folder: ${fs.readdirSync(out).sort().join(', ')}; ${(bytes / 1e6).toFixed(1)} MB`);

  // The folder as the gateway serves it: same preprocessing (decodeImage). With the refit, the served
  // model is not the one that scored TEST: compare with the trainer's scores only without it.
  if (!full.refitImages) {
    const served = await LoadedModel.load(tf, out);
    const classes = full.labels.length;
    let largest = 0;
    const checked = Math.min(8, full.testScores.sources.length);
    for (let i = 0; i < checked; i++) {
      const decoded = await decodeImage(fs.readFileSync(full.testScores.sources[i]), served.inputSize, 40_000_000);
      const scores = served.predict(decoded.pixels!, 1);
      for (let c = 0; c < classes; c++) largest = Math.max(largest, Math.abs(scores[c] - full.testScores.scores[i * classes + c]));
    }
    served.dispose();
    console.log(`served as is (LoadedModel on ${checked} TEST photos): largest score difference from the trainer's ${largest.toExponential(2)}`);
  }

  // 2. Held-out protocol, reusing the cached features. The refit is off: it does not change what TEST scores.
  const [selection, heldOut] = dealByClass(photosIn(data), 2, seed);
  const inner = dealByClass(selection, k, seed + 1);
  const foldCsvs = inner.map((fold, i) => writeCsv(path.join(work, `selection-${i + 1}.csv`), inner.filter((_, j) => j !== i).flat(), fold));
  const heldOutCsv = writeCsv(path.join(work, 'held-out.csv'), selection, heldOut);
  const candidates = candidatesFor(backboneDir, which);
  console.log(`\nselection half ${selection.length} photos (${k}-fold inside it), held-out half ${heldOut.length} photos (trained on the selection half)`);
  console.log(`| candidate | selection ${k}-fold (mean ± sd) | held-out | held-out − selection | wall s per training |`);
  console.log('|---|---|---|---|---|');
  const rows: Array<{ name: string; selection: number; heldOut: number }> = [];
  for (const candidate of candidates) {
    const run = (file: string, name: string) =>
      trainClassifier(tf, { ...common, ...candidate.options, refitOnAllPhotos: false, data: { kind: 'csv', file }, out: path.join(work, name) });
    const runStarted = performance.now();
    const accuracies: number[] = [];
    for (const [i, csv] of foldCsvs.entries()) accuracies.push((await run(csv, `selection-${i + 1}`)).evaluation.accuracy);
    const held = (await run(heldOutCsv, 'held-out')).evaluation.accuracy;
    const { mean, sd } = meanAndDeviation(accuracies);
    rows.push({ name: candidate.name, selection: mean, heldOut: held });
    console.log(
      `| ${candidate.name} | ${mean.toFixed(3)} ± ${sd.toFixed(3)} | ${held.toFixed(3)}${held >= TARGET ? '' : ` (below ${TARGET})`} | ${(held - mean).toFixed(3)} | ` +
        `${((performance.now() - runStarted) / 1000 / (k + 1)).toFixed(1)} |`,
    );
  }
  // A large negative gap marks a candidate the selection photos flatter (e.g. features picked on these very photos).
  const best = rows.reduce((top, row) => (row.selection > top.selection ? row : top));
  console.log(
    `\nbest selection figure: ${best.name} (held-out ${best.heldOut.toFixed(3)}); the defaults: held-out ${rows[0].heldOut.toFixed(3)}` +
      `${rows[0].heldOut >= TARGET ? '' : ` (below ${TARGET})`}; load average ${loadAverage()}`,
  );
  fs.rmSync(work, { recursive: true, force: true });
});
