import { embedDataset } from '../../src/training/embedDataset';
import { EmbeddingCache } from '../../src/training/EmbeddingCache';
import type { SourceReader } from '../../src/training/sources/SourceReader';

/**
 * Issue 16: a training job's thread decodes beside the gateway's decode gate (the gate lives in the main
 * thread), so the gateway's jobs decode one image at a time instead of a whole batch at once.
 */

let running = 0;
let peak = 0;
jest.mock('../../src/models/decodeImage', () => ({
  decodeImage: async (_bytes: Buffer, size: number) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    return { pixels: new Uint8Array(size * size * 3) };
  },
}));

async function peakDecodes(decodeConcurrency?: number): Promise<number> {
  peak = 0;
  const items = Array.from({ length: 8 }, (_, i) => ({ source: `image-${i}.jpg`, labels: [i % 2 ? 'a' : 'b'], split: 'TRAIN' as const }));
  await embedDataset({
    dataset: { items, labels: ['a', 'b'], multiLabel: false },
    encoder: { id: 'fake', size: 2, inputSize: 4, encode: (_pixels, count) => new Float32Array(count * 2) },
    reader: { read: async (source: string) => Buffer.from(source) } as unknown as SourceReader,
    cache: new EmbeddingCache(undefined, 'fake'),
    augment: 0,
    seed: 1,
    batchSize: 8,
    maxImagePixels: 1e6,
    decodeConcurrency,
  });
  return peak;
}

test('decodeConcurrency bounds the images a training thread decodes at once', async () => {
  expect(await peakDecodes()).toBe(8);
  expect(await peakDecodes(1)).toBe(1);
});
