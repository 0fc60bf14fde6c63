import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { IdleModels } from '../../src/models/idleModels';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { writeTinyModel } from './support/tinyModel';

/** Issue 16: models nobody uses stay in every inference worker's memory; now they are unloaded after MODEL_IDLE_UNLOAD_S. */

describe('MODEL_IDLE_UNLOAD_S', () => {
  let root: string;
  let registry: ModelRegistry;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'idle-unload-'));
    await writeTinyModel(path.join(root, 'default'));
    await writeTinyModel(path.join(root, 'models', 'trained'));
    registry = await ModelRegistry.create(
      loadConfig({ MODEL_DIR: path.join(root, 'default'), MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1', MODEL_IDLE_UNLOAD_S: '1', LOG_LEVEL: 'silent' }),
    );
  });
  afterAll(async () => {
    await registry.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const loadedInWorkers = async () => (await registry.inferencePool!.workerStats())[0].models.map((key) => key.split('#')[0]).sort();

  test('unloads a model unused that long from the workers (never the default), and loads it again for the next request naming it', async () => {
    const red = await solidPng('#ff0000');
    const options = { modelId: 'trained', minConfidence: 0, maxResults: 3 };
    const [before] = await registry.classify([red], options);
    expect(await loadedInWorkers()).toEqual(['default', 'trained']);

    await until(async () => (await loadedInWorkers()).length === 1, 10_000);
    expect(await loadedInWorkers()).toEqual(['default']);
    expect(registry.list().map((model) => [model.id, model.status])).toEqual([
      ['default', 'READY'],
      ['trained', 'READY'],
    ]);

    const [after] = await registry.classify([red], options);
    expect(after).toEqual(before);
    expect(await loadedInWorkers()).toEqual(['default', 'trained']);
    const [viaDefault] = await registry.classify([red], { minConfidence: 0, maxResults: 3 });
    expect(viaDefault.labels).toBeDefined();
  }, 30_000);
});

describe('IdleModels', () => {
  test('never unloads a model in use or pinned; a model is loaded once however many requests wait for it', async () => {
    const unloaded: string[] = [];
    let loads = 0;
    const idle = new IdleModels({
      idleMs: 1000,
      load: async () => {
        loads++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      unload: (key) => unloaded.push(key),
    });
    try {
      idle.track('a#1', 'a', '/a', () => false);
      idle.track('b#2', 'b', '/b', () => true);
      const held = idle.use('a#1');
      idle.sweep(Date.now() + 5000);
      expect(unloaded).toEqual([]);
      held.release();
      idle.sweep(Date.now() + 5000);
      expect(unloaded).toEqual(['a#1']);
      expect(idle.isLoaded('a#1')).toBe(false);

      const uses = [idle.use('a#1'), idle.use('a#1')];
      await Promise.all(uses.map((use) => use.ready));
      expect(loads).toBe(1);
      expect(idle.isLoaded('a#1')).toBe(true);
      uses.forEach((use) => use.release());
      expect(idle.isLoaded('b#2')).toBe(true);
    } finally {
      idle.close();
    }
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
