import fs from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../src/models/decodeImage';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend, type Tf } from '../../src/models/tfBackend';
import { trainClassifier, type TrainProgress } from '../../src/training/trainClassifier';
import { colourImage, COLOURS, hasFlowers, temporaryDir, writeClassFolders, writeColourFolders } from './support/images';
import { MODELS_DIR, noticeSkipped } from '../support/sharedData';
import { writeTinyBackbone } from '../support/tinyBackbone';

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** The trainer's TEST scores against the written folder served as the gateway serves it (decodeImage + LoadedModel). */
async function largestServedDifference(tf: Tf, out: string, testScores: { sources: string[]; scores: Float32Array }): Promise<number> {
  const loaded = await LoadedModel.load(tf, out);
  const classes = loaded.spec.labels.length;
  let largest = 0;
  for (const [i, source] of testScores.sources.entries()) {
    const decoded = await decodeImage(fs.readFileSync(source), loaded.inputSize, 1e8);
    const scores = loaded.predict(decoded.pixels!, 1);
    for (let c = 0; c < classes; c++) largest = Math.max(largest, Math.abs(scores[c] - testScores.scores[i * classes + c]));
  }
  loaded.dispose();
  return largest;
}

describe('trainClassifier (head on frozen features, then the backbone top fine-tuned on cached maps)', () => {
  let tf: Tf;
  const root = temporaryDir('train-');
  const colours = path.join(root, 'colours');
  const cacheDir = path.join(root, 'cache');
  const tiny = path.join(root, 'tiny');
  const backbone = { kind: 'folder' as const, dir: tiny };

  beforeAll(async () => {
    ({ tf } = await initBackend());
    await writeTinyBackbone(tf, tiny);
    await writeColourFolders(colours, 12);
  });

  it('learns classes from folders and writes a model folder that the model runtime serves as is', async () => {
    const out = path.join(root, 'models', 'colours');
    const progress: TrainProgress[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainClassifier(
      tf,
      {
        data: { kind: 'folder', dir: colours },
        out,
        backbone,
        fineTuneFrom: 'add_9',
        epochs: 12,
        learningRate: 0.01,
        fineTuneEpochs: 3,
        fineTuneLearningRate: 0.001,
        seed: 7,
        cacheDir,
        split: { validation: 0.15, test: 0.25 },
        refitOnAllPhotos: false,
      },
      (p) => progress.push(p),
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    expect(result.labels).toEqual(['blue', 'green', 'red']);
    expect(result.backbone).toMatchObject({ featureLayer: 'global_average_pooling', featureSize: 64, inputSize: 32, inputRange: [-1, 1] });
    expect(result.backbone.id).toMatch(/^tiny@[0-9a-f]{12}:global_average_pooling$/);
    expect(result.fineTunedFrom).toBe('add_9');
    expect(result.images).toEqual({ train: 21, validation: 6, test: 9 });
    expect(result.embeddings).toEqual({ computed: 72, cached: 0 }); // every image and its mirror image
    expect(result.evaluation.accuracy).toBeGreaterThanOrEqual(0.85);

    expect(fs.readdirSync(out).sort()).toEqual([
      '.gateway-model.json',
      'evaluation-photos.json',
      'evaluation-thumbnails.bin',
      'evaluation.json',
      'metadata.json',
      'model.json',
      'weights.bin',
    ]);
    const metadata = readJson(path.join(out, 'metadata.json'));
    expect(metadata).toMatchObject({ labels: ['blue', 'green', 'red'], inputSize: 32, inputRange: [-1, 1], outputs: 'probabilities', multiLabel: false });
    expect(metadata.training).toMatchObject({ fineTunedFrom: 'add_9', fineTuneEpochs: 3, mirror: true });
    expect(metadata.evaluation).toEqual(readJson(path.join(out, 'evaluation.json')));
    const evaluation = readJson(path.join(out, 'evaluation.json'));
    expect(Object.keys(evaluation)).toEqual(expect.arrayContaining(['accuracy', 'perClass', 'auPrc', 'logLoss', 'confusionMatrix', 'confidenceMetrics']));
    expect(evaluation.perClass[0]).toEqual({
      label: 'blue',
      precision: expect.any(Number),
      recall: expect.any(Number),
      f1: expect.any(Number),
      support: 3,
      auPrc: expect.any(Number),
    });
    expect(evaluation.confusionMatrix.labels).toEqual(['blue', 'green', 'red']);
    expect(evaluation.confusionMatrix.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(9);
    expect(evaluation.confidenceMetrics).toHaveLength(19);

    // The served model takes an image (backbone with its fine-tuned top + head in one layers model),
    // and gives the scores the trainer evaluated.
    const modelJson = readJson(path.join(out, 'model.json'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(await largestServedDifference(tf, out, result.testScores)).toBeLessThan(1e-4);
    const loaded = await LoadedModel.load(tf, out);
    const red = await decodeImage(await colourImage('red', 424242), loaded.inputSize, 1e8);
    const scores = loaded.predict(red.pixels!, 1);
    expect(loaded.spec.labels[scores.indexOf(Math.max(...scores))]).toBe('red');
    loaded.dispose();

    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toEqual(['reading', 'embedding', 'training', 'evaluating', 'saving']);
    const epochs = progress.filter((p) => p.epoch).map((p) => p.epoch!);
    expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(epochs.every((e) => e.epochs === 15 && e.loss > 0 && e.validationAccuracy !== undefined)).toBe(true);
    expect(epochs.map((e) => e.phase)).toEqual([...Array(12).fill('head'), 'fine-tune', 'fine-tune', 'fine-tune']);
    expect(epochs.slice(12).every((e) => e.accuracy !== undefined)).toBe(true);
    const steps = progress.filter((p) => p.step).map((p) => p.step!);
    expect(steps.map((s) => `${s.epoch}.${s.step}/${s.steps}`)).toEqual(['13.1/1', '14.1/1', '15.1/1']);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress.at(-1)!.progress).toBe(1);
  });

  it('is deterministic for a seed, and re-training reuses the cached embeddings', async () => {
    const run = (name: string, seed: number) =>
      trainClassifier(tf, {
        data: { kind: 'folder', dir: colours },
        out: path.join(root, 'models', name),
        backbone,
        epochs: 5,
        seed,
        augment: 1,
        cacheDir,
      });
    const first = await run('first', 3);
    const second = await run('second', 3);
    await run('other', 4);
    expect(second.embeddings).toEqual({ computed: 0, cached: first.embeddings.computed + first.embeddings.cached });
    expect(second.evaluation).toEqual(first.evaluation);
    const weights = (name: string) => fs.readFileSync(path.join(root, 'models', name, 'weights.bin'));
    expect(weights('second').equals(weights('first'))).toBe(true);
    expect(weights('other').equals(weights('first'))).toBe(false);
    // augment: 1 adds one augmented copy per TRAIN image
    expect(first.images.train).toBe(2 * (36 - first.images.validation - first.images.test));
  });

  it('trains a multi-label (sigmoid) head from an AutoML CSV with rows carrying several labels', async () => {
    const dir = path.join(root, 'multi');
    fs.mkdirSync(path.join(dir, 'img'), { recursive: true });
    const lines: string[] = [];
    let n = 0;
    for (const colour of COLOURS) {
      for (const shape of ['circle', 'square'] as const) {
        for (let i = 0; i < 6; i++) {
          const name = `img/${colour}-${shape}-${i}.jpg`;
          fs.writeFileSync(path.join(dir, name), await colourImage(colour, 9000 + n++, shape));
          lines.push(`${i < 4 ? 'TRAIN' : 'TEST'},${name},${colour},${shape}`);
        }
      }
    }
    fs.writeFileSync(path.join(dir, 'labels.csv'), lines.join('\n'));
    const out = path.join(root, 'models', 'multi');
    const result = await trainClassifier(tf, {
      data: { kind: 'csv', file: path.join(dir, 'labels.csv') },
      out,
      backbone,
      epochs: 30,
      fineTuneEpochs: 2,
      fineTuneLearningRate: 0.001,
      batchSize: 8,
      learningRate: 0.01,
      seed: 1,
      cacheDir,
      refitOnAllPhotos: false,
    });
    expect(result.multiLabel).toBe(true);
    expect(result.labels).toEqual(['blue', 'circle', 'green', 'red', 'square']);
    expect(result.images).toEqual({ train: 24, validation: 0, test: 12 });
    const layers = readJson(path.join(out, 'model.json')).modelTopology.config.layers;
    expect(layers.at(-1).config.activation).toBe('sigmoid');
    expect(readJson(path.join(out, 'metadata.json'))).toMatchObject({ multiLabel: true, outputs: 'probabilities' });
    expect(await largestServedDifference(tf, out, result.testScores)).toBeLessThan(1e-4);
    expect(result.evaluation.multiLabel).toBe(true);
    expect(result.evaluation.perClass.find((c) => c.label === 'red')).toMatchObject({ support: 4 });
    // colours are easy, shapes are harder: the colour labels at least must be learnt
    for (const colour of ['blue', 'green', 'red']) expect(result.evaluation.perClass.find((c) => c.label === colour)!.auPrc).toBeGreaterThan(0.9);
  });

  it("fine-tunes the real MobileNet V2 on a few flower photos, and the gateway serves the folder with the trainer's scores", async () => {
    const v2 = path.join(MODELS_DIR, 'mobilenet_v2_1.0_224');
    if (!hasFlowers || !fs.existsSync(path.join(v2, 'model.json'))) {
      noticeSkipped('fine-tuning the shared MobileNet V2 on a flowers subset');
      return;
    }
    const dir = path.join(root, 'flowers');
    await writeClassFolders(dir, 4);
    const out = path.join(root, 'models', 'flowers');
    const result = await trainClassifier(tf, {
      data: { kind: 'folder', dir },
      out,
      backbone: { kind: 'folder', dir: v2 },
      fineTuneFrom: 'add_9', // block 16 too: its depthwise convolution on real weights
      epochs: 10,
      fineTuneEpochs: 1,
      seed: 42,
      cacheDir,
      split: { validation: 0, test: 0.25 },
      refitOnAllPhotos: false,
    });
    expect(result.backbone).toMatchObject({ featureLayer: 'global_average_pooling', featureSize: 1280, inputSize: 224, inputRange: [-1, 1] });
    expect(result.fineTunedFrom).toBe('add_9');
    expect(result.labels).toEqual(['daisy', 'dandelion', 'rose', 'sunflower', 'tulip']);
    expect(result.images).toEqual({ train: 15, validation: 0, test: 5 });
    expect(await largestServedDifference(tf, out, result.testScores)).toBeLessThan(1e-4);
  });

  it('refits on every labelled image after the evaluation: same evaluation, the served model trained on all', async () => {
    const run = (name: string, refitOnAllPhotos: boolean) =>
      trainClassifier(tf, {
        data: { kind: 'folder', dir: colours },
        out: path.join(root, 'models', name),
        backbone,
        fineTuneFrom: 'add_9',
        epochs: 6,
        learningRate: 0.01,
        fineTuneEpochs: 1,
        seed: 5,
        cacheDir,
        split: { validation: 0.15, test: 0.25 },
        refitOnAllPhotos,
      });
    const tensorsBefore = tf.memory().numTensors;
    const evaluated = await run('evaluated', false);
    const refit = await run('refit', true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // The reported figures are the held-out run's, whatever is served.
    expect(refit.evaluation).toEqual(evaluated.evaluation);
    expect(refit.testScores).toEqual(evaluated.testScores);
    expect(evaluated.refitImages).toBeUndefined();
    expect(refit.refitImages).toBe(36);
    expect(refit.history.map((epoch) => `${epoch.epoch}/${epoch.epochs}:${epoch.phase}`)).toEqual(
      [...Array(6).fill('head'), 'fine-tune', ...Array(6).fill('head'), 'fine-tune'].map((phase, i) => `${i + 1}/14:${phase}`),
    );
    // The refit has no VALIDATION images left to report on.
    expect(refit.history.slice(7).every((epoch) => epoch.validationAccuracy === undefined)).toBe(true);
    const weights = (name: string) => fs.readFileSync(path.join(root, 'models', name, 'weights.bin'));
    expect(weights('refit').equals(weights('evaluated'))).toBe(false);
    expect(readJson(path.join(root, 'models', 'refit', 'metadata.json')).training).toMatchObject({
      refitOnAllPhotos: true,
      images: { train: 21, validation: 6, test: 9, refit: 36 },
    });
    // The served (refit) model has learnt every TEST image too.
    const loaded = await LoadedModel.load(tf, refit.out);
    for (const source of refit.testScores.sources) {
      const decoded = await decodeImage(fs.readFileSync(source), loaded.inputSize, 1e8);
      const scores = loaded.predict(decoded.pixels!, 1);
      expect(loaded.spec.labels[scores.indexOf(Math.max(...scores))]).toBe(path.basename(path.dirname(source)));
    }
    loaded.dispose();
  });

  it("by default learns from the shipped backbone's final vector, frozen, refits on every photo, and the folder is served fused with test-time mirroring", async () => {
    if (!hasFlowers) {
      noticeSkipped('training on the shipped default backbone with a flowers subset');
      return;
    }
    const dir = path.join(root, 'flowers-default');
    await writeClassFolders(dir, 4);
    const out = path.join(root, 'models', 'flowers-default');
    const result = await trainClassifier(tf, { data: { kind: 'folder', dir }, out, epochs: 10, seed: 42, cacheDir, split: { validation: 0, test: 0.25 } });
    expect(result.backbone).toMatchObject({ featureLayer: 'global_average_pooling', featureSize: 1280, inputSize: 224 });
    expect(result.fineTunedFrom).toBeUndefined();
    expect(result.refitImages).toBe(20);
    expect(result.history.map((epoch) => epoch.phase)).toEqual(Array(20).fill('head'));
    const metadata = readJson(path.join(out, 'metadata.json'));
    expect(metadata).toMatchObject({ testTimeMirror: true, training: { fineTunedFrom: null, refitOnAllPhotos: true } });
    const served = await LoadedModel.load(tf, out);
    expect(served.fused).toBe(true);
    // The refit model has learnt the TEST photos as well: it classifies them right.
    for (const source of result.testScores.sources) {
      const decoded = await decodeImage(fs.readFileSync(source), served.inputSize, 1e8);
      const scores = served.predict(decoded.pixels!, 1);
      expect(served.spec.labels[scores.indexOf(Math.max(...scores))]).toBe(path.basename(path.dirname(source)));
    }
    served.dispose();
  });
});
