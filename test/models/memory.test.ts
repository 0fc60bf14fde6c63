import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadConfig } from '../../src/config';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { sharedModel } from './support/sharedAssets';
import { writeTinyModel } from './support/tinyModel';

const CLASSIFICATIONS = 1500;
const SAMPLES = 6;
const WARM_UP = 300;
const IN_FLIGHT = 16;
/**
 * RSS climbs for the first few hundred images (malloc arenas of the worker and libvips threads, wasm
 * heap high-water mark) and then wanders by ±15 MB; one leaked 224² input per image would add 110 MB
 * between the first and the last samples.
 */
const MAX_RSS_GROWTH_MB = 40;
const MAX_HEAP_GROWTH_MB = 16;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Every tensor disposed and nothing kept per request: thousands of classifications leave memory flat. */
test(`${CLASSIFICATIONS} classifications leak no tensors and little memory`, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'memory-'));
  const modelDir = sharedModel('mobilenet_v1_0.25_224') ?? (await writeTinyModel(path.join(root, 'tiny')));
  const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none') }));
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
  const snapshot = async () => {
    gc();
    const memory = process.memoryUsage();
    return { workers: await registry.inferencePool!.workerStats(), rss: memory.rss, heap: memory.heapUsed + memory.arrayBuffers };
  };

  await classify(WARM_UP);
  const before = await snapshot();
  const rss: number[] = [];
  const started = Date.now();
  for (let sample = 0; sample < SAMPLES; sample++) {
    await classify(CLASSIFICATIONS / SAMPLES);
    rss.push(process.memoryUsage().rss);
  }
  const seconds = (Date.now() - started) / 1000;
  const after = await snapshot();
  await registry.close();
  fs.rmSync(root, { recursive: true, force: true });

  const mb = (bytes: number) => bytes / 2 ** 20;
  console.log(
    `${CLASSIFICATIONS} classifications with ${path.basename(modelDir)} on ${after.workers.length} workers in ${seconds.toFixed(1)} s ` +
      `(${(CLASSIFICATIONS / seconds).toFixed(0)} images/s); tensors per worker ${before.workers.map((w) => w.numTensors)} -> ` +
      `${after.workers.map((w) => w.numTensors)}; RSS every ${CLASSIFICATIONS / SAMPLES}: ${rss.map((bytes) => mb(bytes).toFixed(0)).join(', ')} MB; ` +
      `main heap + buffers ${mb(before.heap).toFixed(1)} -> ${mb(after.heap).toFixed(1)} MB`,
  );
  expect(after.workers.map((worker) => worker.numTensors)).toEqual(before.workers.map((worker) => worker.numTensors));
  expect(after.workers.map((worker) => worker.numBytes)).toEqual(before.workers.map((worker) => worker.numBytes));
  expect(mb(after.heap - before.heap)).toBeLessThan(MAX_HEAP_GROWTH_MB);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  expect(mb(median(rss.slice(-3)) - median(rss.slice(0, 3)))).toBeLessThan(MAX_RSS_GROWTH_MB);
  // 1500 real predictions: 90-105 s on a 2-core machine shared with other work (the 120 s default was borderline).
}, 240_000);
