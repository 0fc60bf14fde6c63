import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ErrorCode } from '../../src/errors';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { sharedModel, sharedPhoto } from './support/sharedAssets';
import { TINY_LABELS, writeMetadata, writeTinyGraphModel, writeTinyModel } from './support/tinyModel';

const CATS = /\b(cat|tabby|lynx)\b/i;
const COFFEE = /espresso|cup|coffee/i;
const everything = { minConfidence: 0, maxResults: 1000 };

describe('ModelRegistry', () => {
  let root: string;
  let registry: ModelRegistry;
  const mobilenet = sharedModel('mobilenet_v1_0.25_224');

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-'));
    await writeTinyModel(path.join(root, 'models', 'tiny'), { mids: ['/m/06fvc', '/m/038hg', '/m/01g5v'], evaluation: { accuracy: 1 } });
    await writeTinyGraphModel(path.join(root, 'models', 'graph'));
    await fs.mkdir(path.join(root, 'models', 'not-a-model'));
    registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: mobilenet ?? path.join(root, 'models', 'tiny'), MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '2' }));
  });
  afterAll(async () => {
    await registry.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  test('serves MODEL_DIR (the default, named after its folder) and every model folder in MODELS_DIR', () => {
    const ids = registry.list().map((model) => model.id);
    expect(ids).toEqual(mobilenet ? ['graph', 'mobilenet_v1_0.25_224', 'tiny'] : ['graph', 'tiny']);
    expect(registry.defaultModelId).toBe(mobilenet ? 'mobilenet_v1_0.25_224' : 'tiny');
    expect(registry.list().find((model) => model.id === 'tiny')).toEqual({
      id: 'tiny',
      status: 'READY',
      trained: false,
      isDefault: !mobilenet,
      labels: TINY_LABELS,
      inputSize: 16,
      backend: 'onnxruntime-cpu',
      runtime: 'ONNX',
      evaluation: { accuracy: 1 },
    });
    expect(registry.isReady()).toBe(true);
  });

  test('real photos: chelsea is a cat, coffee is espresso; a broken file fails alone; grayscale works', async () => {
    const photos = ['chelsea.png', 'coffee.png', 'camera.png'].map(sharedPhoto);
    if (!mobilenet || photos.some((file) => !file)) return;
    const [chelsea, coffee, camera] = photos.map((file) => readFileSync(file!));
    const outcomes = await registry.classify([chelsea, Buffer.from('broken'), coffee, camera], { minConfidence: 0, maxResults: 3 });
    expect(outcomes).toHaveLength(4);
    expect(outcomes[0].labels!.map((label) => label.name).some((name) => CATS.test(name))).toBe(true);
    expect(outcomes[1].error?.code).toBe(ErrorCode.UnsupportedImage);
    expect(outcomes[2].labels![0].name).toMatch(COFFEE);
    expect(outcomes[3].labels).toHaveLength(3);
    for (const outcome of outcomes.filter((o) => o.labels)) {
      const scores = outcome.labels!.map((label) => label.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  test('labels: best first, at least minConfidence, at most maxResults, with mids when the metadata has them', async () => {
    const red = await solidPng('#ff0000');
    const [all] = await registry.classify([red], { modelId: 'tiny', ...everything });
    expect(all.labels!.map((label) => label.name)).toEqual(['red', 'green', 'blue']);
    expect(all.labels![0]).toEqual({ name: 'red', score: expect.closeTo(0.9999, 3), mid: '/m/06fvc' });
    const [confident] = await registry.classify([red], { modelId: 'tiny', minConfidence: 0.5, maxResults: 10 });
    expect(confident.labels!.map((label) => label.name)).toEqual(['red']);
    const [one] = await registry.classify([red], { modelId: 'tiny', minConfidence: 0, maxResults: 1 });
    expect(one.labels).toHaveLength(1);
  });

  test('a graph model with a background output and logits answers like the layers model', async () => {
    const outcomes = await registry.classify([await solidPng('#0000ff'), await solidPng('#00ff00')], { modelId: 'graph', minConfidence: 0, maxResults: 1 });
    expect(outcomes.map((outcome) => outcome.labels![0].name)).toEqual(['blue', 'green']);
    expect(outcomes[0].labels![0].mid).toBeUndefined();
  });

  test('an image over MAX_IMAGE_PIXELS is IMAGE_TOO_LARGE', async () => {
    const tight = await ModelRegistry.create(
      loadConfig({ MODEL_DIR: path.join(root, 'models', 'tiny'), MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1', MAX_IMAGE_PIXELS: '10000' }),
    );
    const outcomes = await tight.classify([await solidPng('#ff0000', 200, 200), await solidPng('#ff0000', 50, 50)], everything);
    expect(outcomes[0].error?.code).toBe(ErrorCode.ImageTooLarge);
    expect(outcomes[1].labels![0].name).toBe('red');
    await tight.close();
  });

  test('an unknown model id is MODEL_NOT_FOUND, naming the models there are', async () => {
    await expect(registry.classify([await solidPng('#ff0000')], { modelId: 'nope', ...everything })).rejects.toMatchObject({
      code: ErrorCode.ModelNotFound,
      message: expect.stringContaining('graph'),
    });
  });

  test('register loads a new model at run time, and reloading an id swaps labels and frees the old copy', async () => {
    const dir = path.join(root, 'trained');
    await writeTinyModel(dir, { labels: ['rouge', 'vert', 'bleu'] });
    expect(await registry.register('trained', dir)).toMatchObject({ id: 'trained', labels: ['rouge', 'vert', 'bleu'], backend: 'onnxruntime-cpu' });
    const red = await solidPng('#ff0000');
    expect((await registry.classify([red], { modelId: 'trained', ...everything }))[0].labels![0].name).toBe('rouge');
    await writeMetadata(dir, { labels: ['czerwony', 'zielony', 'niebieski'], inputSize: 16, inputRange: [0, 1] });
    await registry.register('trained', dir);
    expect((await registry.classify([red], { modelId: 'trained', ...everything }))[0].labels![0].name).toBe('czerwony');
    const stats = await registry.inferencePool!.workerStats();
    for (const worker of stats) expect(worker.models.filter((key) => key.startsWith('trained#'))).toHaveLength(1);
  });

  test('register refuses a folder that is not a model, and a bad id', async () => {
    await expect(registry.register('empty', path.join(root, 'models', 'not-a-model'))).rejects.toMatchObject({
      code: ErrorCode.ModelUnavailable,
      message: expect.stringContaining('no model.json'),
    });
    const mismatch = path.join(root, 'mismatch');
    await writeTinyModel(mismatch, { labels: ['only', 'two'] });
    await expect(registry.register('mismatch', mismatch)).rejects.toMatchObject({ message: expect.stringMatching(/3 outputs but its (metadata has|labels number) 2/) });
    await expect(registry.register('../escape', mismatch)).rejects.toMatchObject({ code: ErrorCode.BadUserInput });
    expect(registry.list().map((model) => model.id)).not.toContain('mismatch');
  });
});

describe('the shipped default model (default-model/)', () => {
  test('serves when MODEL_DIR is unset, beside MODELS_DIR, and classifies a photo with no configuration', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-shipped-'));
    await writeTinyModel(path.join(root, 'models', 'tiny'));
    await writeTinyModel(path.join(root, 'models', 'mobilenet_v2_1.0_224')); // same id as the shipped one: left out
    const registry = await ModelRegistry.create(loadConfig({ MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' }));
    try {
      expect(registry.defaultModelId).toBe('mobilenet_v2_1.0_224');
      expect(registry.list().map(({ id, status, isDefault, labels }) => ({ id, status, isDefault, labels: labels.length }))).toEqual([
        { id: 'mobilenet_v2_1.0_224', status: 'READY', isDefault: true, labels: 1000 },
        { id: 'tiny', status: 'READY', isDefault: false, labels: 3 },
      ]);
      const chelsea = sharedPhoto('chelsea.png');
      const image = chelsea ? readFileSync(chelsea) : await solidPng('#ff0000');
      const [outcome] = await registry.classify([image], { minConfidence: 0, maxResults: 3 });
      expect(outcome.labels).toHaveLength(3);
      if (chelsea) expect(outcome.labels![0].name).toBe('Egyptian cat');
    } finally {
      await registry.close();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});

describe('ModelRegistry with no model installed', () => {
  test('starts without workers, lists nothing and answers MODEL_UNAVAILABLE with instructions', async () => {
    const registry = await ModelRegistry.create(loadConfig({ DEFAULT_MODEL: 'none', MODELS_DIR: path.join(os.tmpdir(), 'no-such-models-dir') }));
    expect(registry.list()).toEqual([]);
    expect(registry.defaultModelId).toBeUndefined();
    expect(registry.inferencePool).toBeUndefined();
    expect(registry.isReady()).toBe(true);
    const attempt = registry.classify([await solidPng('#ff0000')], everything);
    await expect(attempt).rejects.toMatchObject({ code: ErrorCode.ModelUnavailable });
    await expect(attempt).rejects.toThrow(/default-model.*DEFAULT_MODEL=none.*MODEL_DIR.*MODELS_DIR/s);
    await expect(registry.classify([], { modelId: 'any', ...everything })).rejects.toMatchObject({ code: ErrorCode.ModelUnavailable });
    await registry.close();
  });

  test('a broken MODEL_DIR does not stop the start: it is reported on use and listed with its error, other models still serve', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'registry-broken-'));
    const broken = path.join(root, 'broken');
    await fs.mkdir(broken);
    await fs.writeFile(path.join(broken, 'model.json'), '{ not json');
    await writeTinyModel(path.join(root, 'models', 'tiny'));
    const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: broken, MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' }));
    expect(registry.defaultModelId).toBe('broken');
    expect(registry.list()).toEqual([
      expect.objectContaining({ id: 'broken', status: 'FAILED', isDefault: true, error: expect.stringContaining('could not be loaded: no labels'), labels: [], inputSize: 0 }),
      expect.objectContaining({ id: 'tiny', status: 'READY', isDefault: false }),
    ]);
    await expect(registry.classify([await solidPng('#ff0000')], everything)).rejects.toMatchObject({
      code: ErrorCode.ModelUnavailable,
      message: expect.stringContaining('The default model "broken" could not be loaded'),
    });
    expect((await registry.classify([await solidPng('#ff0000')], { modelId: 'tiny', ...everything }))[0].labels![0].name).toBe('red');
    await registry.close();
    await expect(registry.classify([await solidPng('#ff0000')], { modelId: 'tiny', ...everything })).rejects.toMatchObject({ code: ErrorCode.ShuttingDown });
    expect(registry.isReady()).toBe(false);
    await fs.rm(root, { recursive: true, force: true });
  });
});
