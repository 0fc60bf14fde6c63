import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ModelFolderError, isGraphModel, readModelArtifacts, readModelSpec } from '../../src/models/modelFolder';
import { sharedModel } from './support/sharedAssets';
import { TINY_LABELS, writeMetadata, writeTinyGraphModel, writeTinyModel } from './support/tinyModel';

describe('model folders', () => {
  let root: string;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'model-folder-'));
  });
  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  test('metadata.json gives labels and preprocessing; defaults fit the ImageNet MobileNets', async () => {
    const dir = await writeTinyModel(path.join(root, 'layers'));
    expect(await readModelSpec(dir)).toEqual({
      labels: TINY_LABELS,
      mids: undefined,
      inputSize: 16,
      inputRange: [0, 1],
      labelOffset: 0,
      outputs: 'probabilities',
      evaluation: undefined,
    });
    await writeMetadata(dir, { labels: TINY_LABELS, mids: ['/m/1', '/m/2', '/m/3'], evaluation: { accuracy: 0.9 } });
    expect(await readModelSpec(dir)).toMatchObject({ inputSize: undefined, inputRange: [-1, 1], mids: ['/m/1', '/m/2', '/m/3'], evaluation: { accuracy: 0.9 } });
  });

  test('"crop": "center" takes cropFraction (default 0.875)', async () => {
    const dir = path.join(root, 'layers');
    await writeMetadata(dir, { labels: TINY_LABELS, crop: 'center' });
    expect((await readModelSpec(dir)).crop).toEqual({ kind: 'center', fraction: 0.875 });
    await writeMetadata(dir, { labels: TINY_LABELS, crop: 'center', cropFraction: 0.9 });
    expect((await readModelSpec(dir)).crop).toEqual({ kind: 'center', fraction: 0.9 });
    await writeMetadata(dir, { labels: TINY_LABELS, testTimeMirror: true });
    expect(await readModelSpec(dir)).toMatchObject({ testTimeMirror: true });
    await writeMetadata(dir, { labels: TINY_LABELS, inputSize: 16, inputRange: [0, 1] });
  });

  test('labels.txt serves when metadata.json has no labels; Teachable Machine’s imageSize is understood', async () => {
    const dir = await writeTinyGraphModel(path.join(root, 'graph'));
    await writeMetadata(dir, { imageSize: 96 });
    expect(await readModelSpec(dir)).toMatchObject({ labels: TINY_LABELS, inputSize: 96 });
  });

  test.each([
    [{}, /no labels/],
    [{ labels: ['a', 'b'], mids: ['/m/1'] }, /mids/],
    [{ labels: ['a'], inputRange: [1, -1] }, /inputRange/],
    [{ labels: ['a'], inputSize: 0 }, /inputSize/],
    [{ labels: ['a'], outputs: 'probits' }, /outputs/],
    [{ labels: ['a'], crop: 'middle' }, /"crop" must be "none", "center" or "square"/],
    [{ labels: ['a'], crop: 'center', cropFraction: 1.5 }, /cropFraction/],
    [{ labels: ['a'], testTimeMirror: 'yes' }, /"testTimeMirror" must be true or false/],
  ])('metadata %j is refused with a reason', async (metadata, reason) => {
    const dir = path.join(root, 'bad');
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    await writeMetadata(dir, metadata);
    await expect(readModelSpec(dir)).rejects.toThrow(reason);
  });

  test('shards are concatenated in manifest order; graph and layers models are told apart', async () => {
    const graph = await readModelArtifacts(path.join(root, 'graph'));
    expect(isGraphModel(graph)).toBe(true);
    expect(new Int32Array((graph.weightData as ArrayBuffer).slice(0, 8))).toEqual(new Int32Array([1, 2]));
    expect((graph.weightData as ArrayBuffer).byteLength).toBe(8 + 12 * 4);
    expect(isGraphModel(await readModelArtifacts(path.join(root, 'layers')))).toBe(false);
  });

  test('a shard path leaving the folder is refused', async () => {
    const dir = path.join(root, 'escape');
    await writeTinyModel(dir);
    const modelJson = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    modelJson.weightsManifest[0].paths = ['../layers/group1-shard1of1.bin'];
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    await expect(readModelArtifacts(dir)).rejects.toThrow(ModelFolderError);
  });

  test('a missing shard is named', async () => {
    const dir = path.join(root, 'missing');
    await writeTinyModel(dir);
    await fs.rm(path.join(dir, 'group1-shard1of1.bin'));
    await expect(readModelArtifacts(dir)).rejects.toThrow('missing file group1-shard1of1.bin');
  });

  test('the shared MobileNet folder reads with 1000 ImageNet labels and all 55 shards', async () => {
    const dir = sharedModel('mobilenet_v1_0.25_224');
    if (!dir) return;
    const spec = await readModelSpec(dir);
    expect(spec.labels).toHaveLength(1000);
    expect(spec.labels[281]).toBe('tabby, tabby cat');
    const artifacts = await readModelArtifacts(dir);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')).weightsManifest as { paths: string[] }[];
    const shardFiles = manifest.flatMap((group) => group.paths);
    expect(shardFiles).toHaveLength(55);
    const sizes = await Promise.all(shardFiles.map(async (file) => (await fs.stat(path.join(dir, file))).size));
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(sizes.reduce((a, b) => a + b, 0));
  });
});
