import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackboneSource } from '../src/embeddings/backbone/Backbone';
import { cosineTopK, normalize } from '../src/embeddings/cosineTopK';
import { embedFolder } from '../src/embeddings/embedFolder';
import { readEmbeddingsParquet } from '../src/embeddings/embeddingsParquet';
import { seededRandom, shuffle } from '../src/embeddings/random';
import { initBackend } from '../src/models/tfBackend';
import { trainClassifier, TRAINING_DEFAULTS } from '../src/training/trainClassifier';

const DEFAULT_BACKBONES = 'nsfwjs,mobilenet_v1_0.75_224,mobilenet_v1_0.75_224:conv_pw_12_relu';

const USAGE = `npm run bench:train -- [--backbones ${DEFAULT_BACKBONES}] [--augment 0] [--seed 42] [--folds 5] [--pca 50]

The quality check of the training and embedding issue, on ../shared/data/flowers (5 classes x 100 photos):
  1. for each backbone (a name in ../shared/models or nsfwjs, optionally :<feature layer>), transfer learning
     trained on 80 photos per class and evaluated on the other 20 (split seeded per class), with a fresh
     embedding cache so that the time includes the backbone;
  2. the same backbone in k-fold cross-validation (k = --folds, stratified, 80/20 per class for k = 5): every
     photo is tested once, so the mean tells whether the seeded split was an easy or a hard one (100 test
     photos put about +-0.04 of noise on one accuracy figure); folds train through the AutoML CSV input and
     reuse the cached embeddings;
  3. npm run embed on the 500 photos with the default backbone and --pca, and leave-one-out nearest-
     neighbour label agreement (top-1 by cosine) on the raw embeddings and on the PCA projection.
Target: accuracy >= 0.85.`;

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const FLOWERS = path.join(SHARED, 'data', 'flowers');
const TARGET = 0.85;

/** `name` or `name:featureLayer`, name being nsfwjs or a folder of ../shared/models. */
function backboneOf(spec: string): BackboneSource {
  const [name, featureLayer] = spec.split(':');
  const layer = featureLayer ? { featureLayer } : {};
  return name === 'nsfwjs' ? { kind: 'nsfwjs', ...layer } : { kind: 'folder', dir: path.join(SHARED, 'models', name), ...layer };
}

/** Stratified folds: each class's photos, shuffled with the seed, dealt round-robin into k folds. */
function stratifiedFolds(root: string, k: number, seed: number): Array<Array<{ file: string; label: string }>> {
  const folds: Array<Array<{ file: string; label: string }>> = Array.from({ length: k }, () => []);
  const random = seededRandom(seed);
  for (const label of fs.readdirSync(root).filter((name) => fs.statSync(path.join(root, name)).isDirectory()).sort()) {
    const files = shuffle(fs.readdirSync(path.join(root, label)).filter((name) => /\.(jpe?g|png|webp)$/i.test(name)).sort(), random);
    files.forEach((name, i) => folds[i % k].push({ file: path.join(root, label, name), label }));
  }
  return folds;
}

/** AutoML CSVs, one per fold: that fold TEST, the others TRAIN. */
function writeFoldCsvs(work: string, k: number, seed: number): string[] {
  const folds = stratifiedFolds(FLOWERS, k, seed);
  return folds.map((_, held) => {
    const file = path.join(work, `fold-${held + 1}.csv`);
    const rows = folds.flatMap((fold, f) => fold.map(({ file: image, label }) => `${f === held ? 'TEST' : 'TRAIN'},${image},${label}`));
    fs.writeFileSync(file, rows.join('\n') + '\n');
    return file;
  });
}

function meanAndDeviation(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length) };
}

/** Share of images whose nearest other image (cosine) has the same label. */
function nearestNeighbourAgreement(vectors: Float32Array, dim: number, labels: Array<string | null>): number {
  const rows = labels.length;
  const unit = new Float32Array(vectors.length);
  for (let r = 0; r < rows; r++) unit.set(normalize(vectors.slice(r * dim, (r + 1) * dim)), r * dim);
  let agree = 0;
  for (let r = 0; r < rows; r++) {
    const { indices } = cosineTopK(unit, rows, dim, unit.subarray(r * dim, (r + 1) * dim), 2);
    const neighbour = indices[0] === r ? indices[1] : indices[0];
    if (labels[neighbour] === labels[r]) agree++;
  }
  return agree / rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backbones: { type: 'string', default: DEFAULT_BACKBONES },
      folds: { type: 'string', default: '5' },
      augment: { type: 'string', default: '0' },
      seed: { type: 'string', default: String(TRAINING_DEFAULTS.seed) },
      pca: { type: 'string', default: '50' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!fs.existsSync(FLOWERS)) throw new Error(`${FLOWERS} is missing: this benchmark needs ../shared beside the repo`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-train-'));
  const { tf, backend } = await initBackend();
  console.log(`TF.js backend: ${backend}; ${os.cpus().length} cores; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const seed = Number(values.seed);
  const k = Number(values.folds);
  const foldCsvs = k >= 2 ? writeFoldCsvs(work, k, seed) : [];
  console.log(`| backbone | accuracy | ${k >= 2 ? `${k}-fold accuracy (mean ± sd, min–max) | ` : ''}train accuracy | auPrc | logLoss | train / test | embedding s | head s | total s |`);
  console.log(`|---|---|${k >= 2 ? '---|' : ''}---|---|---|---|---|---|---|`);
  for (const [index, spec] of values.backbones!.split(',').entries()) {
    const common = { backbone: backboneOf(spec), augment: Number(values.augment), seed, cacheDir: path.join(work, 'cache') };
    const result = await trainClassifier(tf, {
      ...common,
      data: { kind: 'folder', dir: FLOWERS },
      out: path.join(work, `model-${index}`),
      split: { validation: 0, test: 0.2 },
    });
    const foldAccuracies: number[] = [];
    for (const [fold, csv] of foldCsvs.entries()) {
      const foldResult = await trainClassifier(tf, { ...common, data: { kind: 'csv', file: csv }, out: path.join(work, `model-${index}-fold-${fold + 1}`) });
      foldAccuracies.push(foldResult.evaluation.accuracy);
    }
    const e = result.evaluation;
    const folds = meanAndDeviation(foldAccuracies);
    const foldCell = k >= 2 ? `${folds.mean.toFixed(3)} ± ${folds.sd.toFixed(3)} (${Math.min(...foldAccuracies).toFixed(2)}–${Math.max(...foldAccuracies).toFixed(2)}) | ` : '';
    console.log(
      `| ${result.backbone.id} | ${e.accuracy.toFixed(3)}${e.accuracy >= TARGET ? '' : ' (below 0.85)'} | ${foldCell}${result.trainAccuracy.toFixed(3)} | ${e.auPrc.toFixed(3)} | ${e.logLoss.toFixed(3)} | ` +
        `${result.images.train} / ${result.images.test} | ${result.seconds.embedding.toFixed(1)} | ${result.seconds.training.toFixed(1)} | ${result.seconds.total.toFixed(1)} |`,
    );
  }

  const out = path.join(work, 'flowers.parquet');
  const report = await embedFolder({
    images: FLOWERS,
    out,
    backbone: { kind: 'nsfwjs' },
    pca: Number(values.pca),
    threads: os.availableParallelism?.() ?? os.cpus().length,
    batchSize: 16,
    maxImagePixels: 40_000_000,
    seed: 1,
  });
  const table = await readEmbeddingsParquet(out);
  const labels = table.rows.map((row) => row.label);
  const explained = report.pca!.explainedVarianceRatio.reduce((a, b) => a + b, 0);
  console.log(`\nembed: ${report.images} images in ${report.seconds.toFixed(1)} s (${report.backbone.id}), ${fs.statSync(out).size} bytes of Parquet`);
  console.log(`PCA ${report.pca!.k}: ${(explained * 100).toFixed(1)}% of the variance, fitted in ${report.pca!.seconds.toFixed(2)} s`);
  console.log(`nearest-neighbour label agreement: embedding ${nearestNeighbourAgreement(table.embeddings, table.dim, labels).toFixed(3)}`);
  const pcaRows = await pcaVectors(out);
  console.log(`nearest-neighbour label agreement: PCA ${report.pca!.k} ${nearestNeighbourAgreement(pcaRows, report.pca!.k, labels).toFixed(3)}`);
  fs.rmSync(work, { recursive: true, force: true });
}

async function pcaVectors(file: string): Promise<Float32Array> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const rows = (await connection.runAndReadAll(`SELECT pca FROM read_parquet('${file}') ORDER BY path`)).getRowObjectsJson() as Array<{ pca: number[] }>;
  connection.closeSync();
  instance.closeSync();
  return Float32Array.from(rows.flatMap((row) => row.pca));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
