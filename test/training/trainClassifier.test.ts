import fs from 'node:fs';
import path from 'node:path';
import { decodeImage } from '../../src/models/decodeImage';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend, type Tf } from '../../src/models/tfBackend';
import { trainClassifier, type TrainProgress } from '../../src/training/trainClassifier';
import { colourImage, COLOURS, hasFlowers, temporaryDir, writeClassFolders, writeColourFolders } from './support/images';
import { hasSharedModels, MODELS_DIR, noticeSkipped } from '../support/sharedData';

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

describe('trainClassifier (transfer learning on the default nsfwjs MobileNetV2 backbone)', () => {
  let tf: Tf;
  const root = temporaryDir('train-');
  const colours = path.join(root, 'colours');
  const cacheDir = path.join(root, 'cache');

  beforeAll(async () => {
    ({ tf } = await initBackend());
    await writeColourFolders(colours, 12);
  });

  it('learns classes from folders and writes a model folder that the model runtime serves as is', async () => {
    const out = path.join(root, 'models', 'colours');
    const progress: TrainProgress[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainClassifier(
      tf,
      { data: { kind: 'folder', dir: colours }, out, epochs: 12, seed: 7, cacheDir, split: { validation: 0.15, test: 0.25 } },
      (p) => progress.push(p),
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    expect(result.labels).toEqual(['blue', 'green', 'red']);
    expect(result.backbone).toMatchObject({ id: 'nsfwjs@4.4.0/mobilenet_v2:flatten_1', featureSize: 1280, inputSize: 224, inputRange: [0, 1] });
    expect(result.images).toEqual({ train: 21, validation: 6, test: 9 });
    expect(result.evaluation.accuracy).toBeGreaterThanOrEqual(0.85);

    expect(fs.readdirSync(out).sort()).toEqual(['evaluation.json', 'metadata.json', 'model.json', 'weights.bin']);
    const metadata = readJson(path.join(out, 'metadata.json'));
    expect(metadata).toMatchObject({ labels: ['blue', 'green', 'red'], inputSize: 224, inputRange: [0, 1], outputs: 'probabilities', multiLabel: false });
    expect(metadata.evaluation).toEqual(readJson(path.join(out, 'evaluation.json')));
    const evaluation = readJson(path.join(out, 'evaluation.json'));
    expect(Object.keys(evaluation)).toEqual(
      expect.arrayContaining(['accuracy', 'perClass', 'auPrc', 'logLoss', 'confusionMatrix', 'confidenceMetrics']),
    );
    expect(evaluation.perClass[0]).toEqual({ label: 'blue', precision: expect.any(Number), recall: expect.any(Number), f1: expect.any(Number), support: 3, auPrc: expect.any(Number) });
    expect(evaluation.confusionMatrix.labels).toEqual(['blue', 'green', 'red']);
    expect(evaluation.confusionMatrix.matrix.flat().reduce((a: number, b: number) => a + b, 0)).toBe(9);
    expect(evaluation.confidenceMetrics).toHaveLength(19);

    // The served model takes a 224x224 image (backbone + head in one layers model).
    const modelJson = readJson(path.join(out, 'model.json'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    const loaded = await LoadedModel.load(tf, out);
    const red = await decodeImage(await colourImage('red', 424242), loaded.inputSize, 1e8);
    const scores = loaded.predict(red.pixels!, 1);
    expect(loaded.spec.labels[scores.indexOf(Math.max(...scores))]).toBe('red');
    loaded.dispose();

    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toEqual(['reading', 'embedding', 'training', 'evaluating', 'saving']);
    const epochs = progress.filter((p) => p.epoch).map((p) => p.epoch!);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(epochs.every((e) => e.loss > 0 && e.validationAccuracy !== undefined)).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress.at(-1)!.progress).toBe(1);
  });

  it('is deterministic for a seed, and re-training reuses the cached embeddings', async () => {
    const run = (name: string, seed: number) =>
      trainClassifier(tf, { data: { kind: 'folder', dir: colours }, out: path.join(root, 'models', name), epochs: 5, seed, augment: 1, cacheDir });
    const first = await run('first', 3);
    const second = await run('second', 3);
    const other = await run('other', 4);
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
    const result = await trainClassifier(tf, { data: { kind: 'csv', file: path.join(dir, 'labels.csv') }, out, epochs: 30, batchSize: 8, learningRate: 0.003, seed: 1, cacheDir });
    expect(result.multiLabel).toBe(true);
    expect(result.labels).toEqual(['blue', 'circle', 'green', 'red', 'square']);
    expect(result.images).toEqual({ train: 24, validation: 0, test: 12 });
    const layers = readJson(path.join(out, 'model.json')).modelTopology.config.layers;
    expect(layers.at(-1).config.activation).toBe('sigmoid');
    expect(readJson(path.join(out, 'metadata.json'))).toMatchObject({ multiLabel: true, outputs: 'probabilities' });
    expect(result.evaluation.multiLabel).toBe(true);
    expect(result.evaluation.perClass.find((c) => c.label === 'red')).toMatchObject({ support: 4 });
    // colours are easy, shapes are harder: the colour labels at least must be learnt
    for (const colour of ['blue', 'green', 'red']) expect(result.evaluation.perClass.find((c) => c.label === colour)!.auPrc).toBeGreaterThan(0.9);
  });

  it('trains on real flower photos (10 per class) with a backbone from a model folder', async () => {
    if (!hasFlowers || !hasSharedModels) {
      noticeSkipped('training on a flowers subset with the shared MobileNet V1');
      return;
    }
    const dir = path.join(root, 'flowers');
    await writeClassFolders(dir, 10);
    const result = await trainClassifier(tf, {
      data: { kind: 'folder', dir },
      out: path.join(root, 'models', 'flowers'),
      backbone: { kind: 'folder', dir: path.join(MODELS_DIR, 'mobilenet_v1_0.75_224') },
      epochs: 30,
      seed: 42,
      cacheDir,
      split: { validation: 0, test: 0.2 },
    });
    expect(result.backbone).toMatchObject({ featureLayer: 'global_average_pooling2d_1', featureSize: 768, inputRange: [-1, 1] });
    expect(result.backbone.id).toMatch(/^mobilenet_v1_0\.75_224@[0-9a-f]{12}:global_average_pooling2d_1$/);
    expect(result.labels).toEqual(['daisy', 'dandelion', 'rose', 'sunflower', 'tulip']);
    expect(result.images).toEqual({ train: 40, validation: 0, test: 10 });
    const { evaluation } = result;
    const diagonal = evaluation.confusionMatrix.matrix.reduce((sum, row, i) => sum + row[i], 0);
    expect(evaluation.accuracy).toBeCloseTo(diagonal / 10, 6);
    expect(evaluation.perClass.map((c) => c.support)).toEqual([2, 2, 2, 2, 2]);
    expect(evaluation.accuracy).toBeGreaterThan(0.2); // chance is 0.2
    // eslint-disable-next-line no-console
    console.log(`flowers subset (40 train / 10 test, MobileNet V1 0.75): accuracy ${evaluation.accuracy}`);
  });
});
