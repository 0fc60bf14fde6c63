import type { Backbone } from '../embeddings/backbone/Backbone';
import { seededRandom, seedFrom } from '../embeddings/random';
import { decodeImage } from '../models/decodeImage';
import { augment, randomAugmentation } from './augment';
import type { Dataset, DatasetItem, Split } from './dataset/types';
import { sha256, type EmbeddingCache } from './EmbeddingCache';
import type { SourceReader } from './sources/SourceReader';

/** The examples of one split: features (count × featureSize) and multi-hot targets (count × labels). */
export interface SplitData {
  count: number;
  features: Float32Array;
  targets: Float32Array;
  sources: string[];
}

export interface EmbeddedDataset {
  splits: Record<Split, SplitData>;
  failures: Array<{ source: string; message: string }>;
  /** Vectors computed now; the rest came from the cache. */
  computed: number;
  cached: number;
}

export interface EmbedDatasetOptions {
  dataset: Dataset;
  backbone: Backbone;
  reader: SourceReader;
  cache: EmbeddingCache;
  /** Augmented copies added per TRAIN image (0 for none). */
  augment: number;
  seed: number;
  batchSize: number;
  maxImagePixels: number;
  onProgress?(done: number, total: number): void;
}

const AUGMENTATION_VERSION = 'a1';

interface Vector {
  item: DatasetItem;
  features: Float32Array;
}

/**
 * Every image through the frozen backbone, once: vectors are cached by image content, and each
 * augmented copy by the seed and copy number that determine it. Images that cannot be read or decoded
 * are reported and left out.
 */
export async function embedDataset(options: EmbedDatasetOptions): Promise<EmbeddedDataset> {
  const { dataset, backbone, cache } = options;
  const { inputSize, featureSize } = backbone.info;
  const failures: EmbeddedDataset['failures'] = [];
  const vectors: Vector[] = [];
  let computed = 0;
  let cached = 0;
  let done = 0;

  for (let start = 0; start < dataset.items.length; start += options.batchSize) {
    const chunk = dataset.items.slice(start, start + options.batchSize);
    const pending: Array<{ item: DatasetItem; hash: string; variant: string; pixels: Uint8Array; slot: number }> = [];
    const slots: Array<Vector | undefined> = [];
    await Promise.all(
      chunk.map(async (item) => {
        const copies = item.split === 'TRAIN' ? options.augment : 0;
        const firstSlot = slots.length;
        slots.length += 1 + copies;
        try {
          const bytes = await options.reader.read(item.source);
          const hash = sha256(bytes);
          let base: Uint8Array | undefined;
          for (let copy = 0; copy <= copies; copy++) {
            const variant = copy === 0 ? '' : `${AUGMENTATION_VERSION}-${options.seed}-${copy}`;
            const hit = await cache.get(hash, variant, featureSize);
            if (hit) {
              slots[firstSlot + copy] = { item, features: hit };
              cached++;
              continue;
            }
            if (!base) {
              const decoded = await decodeImage(bytes, inputSize, options.maxImagePixels);
              if (decoded.error) throw new Error(decoded.error.message);
              base = decoded.pixels;
            }
            const pixels = copy === 0 ? base : augment(base, inputSize, randomAugmentation(seededRandom(seedFrom(options.seed, hash, copy))));
            pending.push({ item, hash, variant, pixels, slot: firstSlot + copy });
          }
        } catch (error) {
          failures.push({ source: item.source, message: (error as Error).message });
          for (let slot = firstSlot; slot <= firstSlot + copies; slot++) slots[slot] = undefined;
          for (let i = pending.length - 1; i >= 0; i--) if (pending[i].item === item) pending.splice(i, 1);
        }
      }),
    );
    for (let i = 0; i < pending.length; i += options.batchSize) {
      const batch = pending.slice(i, i + options.batchSize);
      const packed = new Uint8Array(batch.length * inputSize * inputSize * 3);
      batch.forEach((entry, j) => packed.set(entry.pixels, j * entry.pixels.length));
      const features = backbone.embed(packed, batch.length);
      for (const [j, entry] of batch.entries()) {
        const vector = features.slice(j * featureSize, (j + 1) * featureSize);
        await cache.put(entry.hash, entry.variant, vector);
        slots[entry.slot] = { item: entry.item, features: vector };
        computed++;
      }
    }
    vectors.push(...slots.filter((slot): slot is Vector => slot !== undefined));
    done += chunk.length;
    options.onProgress?.(done, dataset.items.length);
  }
  failures.sort((a, b) => (a.source < b.source ? -1 : 1));
  return { splits: splitData(vectors, dataset.labels, featureSize), failures, computed, cached };
}

function splitData(vectors: Vector[], labels: string[], featureSize: number): Record<Split, SplitData> {
  const index = new Map(labels.map((label, i) => [label, i]));
  const of = (split: Split): SplitData => {
    const chosen = vectors.filter((vector) => vector.item.split === split);
    const features = new Float32Array(chosen.length * featureSize);
    const targets = new Float32Array(chosen.length * labels.length);
    chosen.forEach((vector, row) => {
      features.set(vector.features, row * featureSize);
      for (const label of vector.item.labels) targets[row * labels.length + index.get(label)!] = 1;
    });
    return { count: chosen.length, features, targets, sources: chosen.map((vector) => vector.item.source) };
  };
  return { TRAIN: of('TRAIN'), VALIDATION: of('VALIDATION'), TEST: of('TEST') };
}
