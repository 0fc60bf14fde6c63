import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { writeTinyModel } from './support/tinyModel';

/**
 * A small, exact leak check: every tensor a classification makes is disposed, so the workers' tensor
 * counts and bytes are the same after a few dozen classifications as before them. It asserts no time
 * and no RSS (both depend on the machine's load); `npm run bench:soak` runs thousands of
 * classifications and reports the memory figures.
 */
const CLASSIFICATIONS = 48;
const IN_FLIGHT = 8;

test(`${CLASSIFICATIONS} classifications leave no tensor behind in the workers`, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-'));
  const modelDir = await writeTinyModel(path.join(root, 'tiny'));
  const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '2' }));
  try {
    const images = await Promise.all(['#c04020', '#2080c0', '#30a030', '#808080'].map((colour) => solidPng(colour, 320, 240)));
    const classify = async (count: number) => {
      let next = 0;
      const lane = async () => {
        while (next < count) {
          const i = next++;
          const [outcome] = await registry.classify([images[i % images.length]], { minConfidence: 0, maxResults: 5 });
          if (!outcome.labels) throw new Error(outcome.error.message);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    };

    await classify(IN_FLIGHT); // first use: the model's own weights are allocated
    const before = await registry.inferencePool!.workerStats();
    await classify(CLASSIFICATIONS);
    const after = await registry.inferencePool!.workerStats();

    expect(after.map((worker) => worker.numTensors)).toEqual(before.map((worker) => worker.numTensors));
    expect(after.map((worker) => worker.numBytes)).toEqual(before.map((worker) => worker.numBytes));
  } finally {
    await registry.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
