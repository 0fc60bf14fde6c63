import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../../src/config';
import { ModelRegistry } from '../../src/models/ModelRegistry';

export interface InProcessSoakOptions {
  modelDir: string;
  count: number;
  concurrency: number;
  samples?: number;
  warmUp?: number;
  log: (line: string) => void;
}

/**
 * Classifies in this process through ModelRegistry (worker pool included, no HTTP), and reports what
 * HTTP cannot show: the TF.js tensors each worker holds before and after, and this process's RSS and
 * heap every count/samples classifications. Tensor counts must not move; RSS should stay flat after
 * the warm-up (malloc arenas and the wasm heap high-water mark settle in the first few hundred).
 */
export async function inProcessSoak({ modelDir, count, concurrency, samples = 6, warmUp = 300, log }: InProcessSoakOptions): Promise<boolean> {
  const registry = await ModelRegistry.create(loadConfig({ MODEL_DIR: modelDir, MODELS_DIR: path.join(modelDir, '.no-models') }));
  try {
    const images = await Promise.all(
      ['#c04020', '#2080c0', '#30a030', '#808080'].map((colour) =>
        sharp({ create: { width: 320, height: 240, channels: 3, background: colour } })
          .png()
          .toBuffer(),
      ),
    );
    const classify = async (n: number) => {
      let next = 0;
      const lane = async () => {
        while (next < n) {
          const i = next++;
          const [outcome] = await registry.classify([images[i % images.length]], { minConfidence: 0, maxResults: 5 });
          if (!outcome.labels) throw new Error(outcome.error.message);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, lane));
    };
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    await classify(warmUp);
    const before = await registry.inferencePool!.workerStats();
    const heapBefore = process.memoryUsage();
    const rss: number[] = [];
    const started = Date.now();
    for (let sample = 0; sample < samples; sample++) {
      await classify(Math.round(count / samples));
      rss.push(process.memoryUsage().rss);
    }
    const seconds = (Date.now() - started) / 1000;
    const after = await registry.inferencePool!.workerStats();
    const heapAfter = process.memoryUsage();
    const tensorsKept = after.every((worker, i) => worker.numTensors === before[i]?.numTensors && worker.numBytes === before[i]?.numBytes);
    log(
      `${count} in-process classifications with ${path.basename(modelDir)} on ${after.length} workers in ${seconds.toFixed(1)} s ` +
        `(${(count / seconds).toFixed(0)} images/s) after ${warmUp} to warm up`,
    );
    log(`tensors per worker ${before.map((w) => w.numTensors).join('/')} -> ${after.map((w) => w.numTensors).join('/')}: ${tensorsKept ? 'no leak' : 'LEAK'}`);
    log(`RSS every ${Math.round(count / samples)}: ${rss.map((bytes) => mb(bytes)).join(', ')} MB`);
    log(`main heap + buffers ${mb(heapBefore.heapUsed + heapBefore.arrayBuffers)} -> ${mb(heapAfter.heapUsed + heapAfter.arrayBuffers)} MB`);
    return tensorsKept;
  } finally {
    await registry.close();
  }
}
