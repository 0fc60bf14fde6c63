import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NO_CONVERTER_REASON } from '../../src/runtime/onnx/conversion';
import { spawnWorker } from '../../src/workers/spawnWorker';
import type { FeatureJob } from './support/featureWorker';

interface FeatureResult {
  runtime: string;
  fallbackReason?: string;
  embedding: number[];
  tfjs: number[];
  inputRange: [number, number];
}

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'native-backbone-'));
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

function features(conversion: FeatureJob['conversion'], rgb: FeatureJob['rgb'] = [255, 0, 0]): Promise<FeatureResult> {
  const job: FeatureJob = { conversion, dir: path.join(root, conversion), rgb };
  const worker = spawnWorker(path.join(__dirname, 'support', 'featureWorker'), job);
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: { ok: boolean; result?: FeatureResult; message?: string }) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.result!);
      else reject(new Error(reply.message));
    });
    worker.once('error', reject);
  });
}

describe('the backbone feature pass (similarImages, npm run embed, training) on ONNX Runtime', () => {
  test("without a converter it stays on TF.js, saying why, with the backbone's own embeddings", async () => {
    const result = await features('none');
    expect(result).toMatchObject({ runtime: 'TFJS_WASM', fallbackReason: NO_CONVERTER_REASON });
    expect(result.embedding).toEqual(result.tfjs);
    expect(result.embedding).toHaveLength(64);
  });

  test("a converted feature model runs on ONNX Runtime, fed the backbone's input range", async () => {
    const result = await features('matching', [255, 0, 0]);
    expect(result.runtime).toBe('ONNX');
    expect(result.fallbackReason).toBeUndefined();
    // The stand-in model: feature i = 10 x the mean of channel i % 3 (pixels scaled to the backbone's range).
    const [low, high] = result.inputRange;
    const scaled = (byte: number) => low + (byte * (high - low)) / 255;
    const expected = Array.from({ length: 64 }, (_, i) => 10 * scaled([255, 0, 0][i % 3]));
    result.embedding.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 4));
  });

  test('a converted model of the wrong shape, or one ONNX Runtime cannot load, falls back to TF.js with the reason', async () => {
    const mismatched = await features('mismatched');
    expect(mismatched).toMatchObject({ runtime: 'TFJS_WASM', fallbackReason: expect.stringContaining('gives 3 features') });
    expect(mismatched.embedding).toEqual(mismatched.tfjs);
    const broken = await features('broken');
    expect(broken).toMatchObject({ runtime: 'TFJS_WASM', fallbackReason: expect.stringMatching(/^the feature model could not run on ONNX Runtime/) });
  });
});
