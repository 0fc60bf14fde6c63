import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { GatewayMetrics } from '../../src/metrics';
import { ModelRegistry } from '../../src/models/ModelRegistry';
import { solidPng } from './support/images';
import { sharedModel, sharedPhoto } from './support/sharedAssets';
import { writeTinyModel } from './support/tinyModel';

const IMAGES = 160;
const IN_FLIGHT = 16;

/**
 * Images per second, decode included, with one inference worker and with one per core. It prints the
 * figures and checks only that the pool works under load: timings from a shared 2-core machine running
 * other suites at the same time are not a pass/fail matter. Run it alone for numbers:
 *   npx jest test/models/throughput.test.ts
 */
test('throughput: one worker vs the pool', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'throughput-'));
  const modelDir = sharedModel('mobilenet_v1_0.25_224') ?? (await writeTinyModel(path.join(root, 'tiny')));
  const photo = sharedPhoto('chelsea.png');
  const image = photo ? fs.readFileSync(photo) : await solidPng('#c04020', 451, 300);
  const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const figures: string[] = [];

  for (const workers of [...new Set([1, cores])]) {
    const metrics = new GatewayMetrics();
    const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: String(workers) }), metrics);
    await registry.classify(Array(8).fill(image), { minConfidence: 0, maxResults: 5 });
    let next = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const lane = async () => {
      while (next++ < IMAGES) {
        const [outcome] = await registry.classify([image], { minConfidence: 0, maxResults: 5 });
        expect(outcome.labels?.length).toBeGreaterThan(0);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // CPU time of every thread of the process: unlike wall time, barely affected by other load on the machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerImage = (cpu.user + cpu.system) / 1000 / IMAGES;
    const { values } = await metrics.inferenceBatchSize.get();
    const total = (suffix: string) => values.find((value) => value.metricName?.endsWith(suffix))!.value;
    const meanBatch = total('_sum') / total('_count');
    figures.push(`${workers} worker(s): ${(IMAGES / seconds).toFixed(0)} images/s, ${cpuMsPerImage.toFixed(1)} CPU-ms/image, mean batch ${meanBatch.toFixed(1)}`);
    expect(meanBatch).toBeGreaterThan(1);
    await registry.close();
  }
  console.log(`${path.basename(modelDir)}, ${photo ? 'chelsea.png' : 'a generated PNG'}, ${IN_FLIGHT} requests in flight: ${figures.join('; ')}`);
  fs.rmSync(root, { recursive: true, force: true });
});
