import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_BACKBONE_DIR } from '../src/backbone/loadBackbone';
import { seededRandom, shuffle } from '../src/embeddings/random';
import { decodeImage } from '../src/models/decodeImage';
import { LoadedModel } from '../src/models/loadedModel';
import { initBackend } from '../src/models/tfBackend';
import { DEFAULT_TRAINING_FEATURES, SUGGESTED_FINE_TUNE_FROM, trainClassifier, type TrainOptions } from '../src/training/trainClassifier';
import { TRAINING_DEFAULTS } from '../src/training/trainingDefaults';
import { CliFailure, existingDir, numberOption, runCli } from '../scripts/support/cli';

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const FLOWERS = path.join(SHARED, 'data', 'flowers');
const TARGET = 0.9;

const USAGE = `npm run bench:train -- [--backbone <model dir>] [--data <class folders>] [--folds 5] [--baseline]
                       [--fine-tune-from ${SUGGESTED_FINE_TUNE_FROM} [--fine-tune-epochs ${TRAINING_DEFAULTS.fineTuneEpochs}]] [--no-mirror] [--seed ${TRAINING_DEFAULTS.seed}]

The quality and cost check of training, on ../shared/data/flowers (5 classes x 100 photos) by default:
  1. npm run train's defaults on all the photos (80/10/10 split), from a fresh cache: wall time and CPU
     time (all threads of this process), so the backbone is included; then the written model folder is
     loaded as the gateway loads it (LoadedModel) and its scores on TEST photos are compared with the
     trainer's own;
  2. k-fold stratified cross-validation (k = --folds; every photo tested once) of the defaults (the head
     on ${DEFAULT_TRAINING_FEATURES} where the backbone has those layers, block 14's expansion
     fine-tuned), reusing the cached features: mean ± sd accuracy, and the training CPU time per fold.
     --baseline adds the head on the backbone's final pooled vector alone, frozen; --fine-tune-from adds the
     top after that layer fine-tuned (final pooled vector) for each number of epochs in --fine-tune-epochs.
Default backbone: the project's default model (${DEFAULT_BACKBONE_DIR}). Target: 5-fold accuracy >= ${TARGET}.`;

const OPTIONS = {
  backbone: { type: 'string' },
  data: { type: 'string' },
  folds: { type: 'string', default: '5' },
  'fine-tune-epochs': { type: 'string', default: String(TRAINING_DEFAULTS.fineTuneEpochs) },
  baseline: { type: 'boolean' },
  'fine-tune-from': { type: 'string' },
  'no-mirror': { type: 'boolean' },
  seed: { type: 'string', default: String(TRAINING_DEFAULTS.seed) },
} as const;

/** Stratified folds: each class's photos, shuffled with the seed, dealt round-robin into k folds. */
function stratifiedFolds(root: string, k: number, seed: number): Array<Array<{ file: string; label: string }>> {
  const folds: Array<Array<{ file: string; label: string }>> = Array.from({ length: k }, () => []);
  const random = seededRandom(seed);
  for (const label of fs
    .readdirSync(root)
    .filter((name) => fs.statSync(path.join(root, name)).isDirectory())
    .sort()) {
    const files = shuffle(
      fs
        .readdirSync(path.join(root, label))
        .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
        .sort(),
      random,
    );
    files.forEach((name, i) => folds[i % k].push({ file: path.join(root, label, name), label }));
  }
  return folds;
}

/** AutoML CSVs, one per fold: that fold TEST, the others TRAIN. */
function writeFoldCsvs(root: string, work: string, k: number, seed: number): string[] {
  const folds = stratifiedFolds(root, k, seed);
  return folds.map((_, held) => {
    const file = path.join(work, `fold-${held + 1}.csv`);
    const rows = folds.flatMap((fold, f) => fold.map(({ file: image, label }) => `${f === held ? 'TEST' : 'TRAIN'},${image},${label}`));
    fs.writeFileSync(file, rows.join('\n') + '\n');
    return file;
  });
}

/** The backbone's last global pooling layer (what it embeds images with), from its model.json. */
function finalPooledLayer(dir: string): string {
  const topology = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology;
  const layers: Array<{ name: string; class_name: string }> = (topology.model_config ?? topology).config.layers;
  const pooling = layers.filter((layer) => layer.class_name === 'GlobalAveragePooling2D').at(-1);
  if (!pooling) throw new CliFailure(`--baseline: ${dir} has no GlobalAveragePooling2D layer`);
  return pooling.name;
}

function meanAndDeviation(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length) };
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

runCli({ usage: USAGE, options: OPTIONS }, async ({ values }) => {
  const data = existingDir('--data', values.data ?? FLOWERS);
  const backboneDir = values.backbone ? existingDir('--backbone', values.backbone) : DEFAULT_BACKBONE_DIR;
  if (!fs.existsSync(path.join(backboneDir, 'model.json'))) {
    throw new CliFailure(`no backbone at ${backboneDir}: pass --backbone <TF.js layers model folder>, e.g. --backbone ../shared/models/mobilenet_v2_1.0_224`);
  }
  const k = numberOption('--folds', values.folds, { min: 0, integer: true })!;
  const seed = numberOption('--seed', values.seed, { min: 0, integer: true })!;
  const epochsList = values['fine-tune-epochs']!.split(',').map((text) => numberOption('--fine-tune-epochs', text.trim(), { min: 0, integer: true })!);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const { tf, backend } = await initBackend();
  const common: Partial<TrainOptions> = {
    backbone: { kind: 'folder', dir: path.resolve(backboneDir) },
    mirror: values['no-mirror'] ? false : undefined,
    seed,
    cacheDir: path.join(work, 'cache'),
  };
  console.log(
    `TF.js backend: ${backend}; ${os.cpus().length} cores; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; backbone ${backboneDir}`,
  );

  // 1. The defaults on every photo, as `npm run train -- --data <dir> --out m` runs them.
  const out = path.join(work, 'model');
  let started = performance.now();
  let cpu = process.cpuUsage();
  const full = await trainClassifier(tf, { ...common, data: { kind: 'folder', dir: data }, out });
  const wall = (performance.now() - started) / 1000;
  console.log(
    `defaults on ${full.images.train + full.images.validation + full.images.test} photos (${full.images.train} train / ${full.images.validation} validation / ${full.images.test} test), ` +
      `features ${full.backbone.featureLayer}: TEST accuracy ${full.evaluation.accuracy.toFixed(3)}; ` +
      `wall ${wall.toFixed(1)} s (backbone ${full.seconds.embedding.toFixed(1)} s, training ${full.seconds.training.toFixed(1)} s), CPU ${cpuSeconds(cpu).toFixed(1)} s`,
  );
  const bytes = fs.readdirSync(out).reduce((sum, name) => sum + fs.statSync(path.join(out, name)).size, 0);
  console.log(`model folder: ${fs.readdirSync(out).sort().join(', ')}; ${(bytes / 1e6).toFixed(1)} MB`);

  // The folder as the gateway serves it: same preprocessing (decodeImage), same scores as the trainer's.
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

  // 2. Cross-validation, reusing the cached features.
  if (k >= 2) {
    const csvs = writeFoldCsvs(data, work, k, seed);
    const variants: Array<{ name: string; options: Partial<TrainOptions> }> = [
      { name: `defaults (${full.backbone.featureLayer}; fine-tuned after ${full.fineTunedFrom ?? '(frozen)'})`, options: {} },
    ];
    if (values.baseline) {
      variants.push({
        name: 'final pooled vector only (frozen)',
        options: { fineTuneFrom: 'none', backbone: { kind: 'folder', dir: path.resolve(backboneDir), featureLayer: finalPooledLayer(backboneDir) } },
      });
    }
    const fineTuneFrom = values['fine-tune-from'];
    if (fineTuneFrom) {
      for (const fineTuneEpochs of epochsList) variants.push({ name: `fine-tuned after ${fineTuneFrom}, ${fineTuneEpochs} epochs`, options: { fineTuneFrom, fineTuneEpochs } });
    }
    console.log(`\n| variant | ${k}-fold accuracy (mean ± sd) | folds | training CPU s per fold | wall s per fold |`);
    console.log('|---|---|---|---|---|');
    for (const variant of variants) {
      const accuracies: number[] = [];
      started = performance.now();
      cpu = process.cpuUsage();
      for (const [fold, csv] of csvs.entries()) {
        const result = await trainClassifier(tf, { ...common, ...variant.options, data: { kind: 'csv', file: csv }, out: path.join(work, `fold-${fold + 1}`) });
        accuracies.push(result.evaluation.accuracy);
      }
      const { mean, sd } = meanAndDeviation(accuracies);
      console.log(
        `| ${variant.name} | ${mean.toFixed(3)} ± ${sd.toFixed(3)}${mean >= TARGET ? '' : ` (below ${TARGET})`} | ` +
          `${accuracies.map((a) => a.toFixed(2)).join(' ')} | ${(cpuSeconds(cpu) / k).toFixed(1)} | ${((performance.now() - started) / 1000 / k).toFixed(1)} |`,
      );
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
});
