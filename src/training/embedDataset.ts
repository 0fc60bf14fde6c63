import { seededRandom, seedFrom } from '../embeddings/random';
import { DecodeGate } from '../models/decodeGate';
import { decodeImage, type DecodedImage } from '../models/decodeImage';
import { concatenate } from '../typedArrays';
import { augment, randomAugmentation } from './augment';
import type { Dataset, DatasetItem, Split } from './dataset/types';
import { sha256, type EmbeddingCache } from './EmbeddingCache';
import type { SourceReader } from './sources/SourceReader';

/** The examples of one split: features (count × featureSize) and multi-hot targets (count × labels). */
export interface SplitData {
  count: number;
  features: Float32Array;
  /** The features of each example's mirror image (left-right), when asked for. */
  mirrored?: Float32Array;
  targets: Float32Array;
  sources: string[];
}

/** What turns images into the cached vectors: a pooled embedding, or the activation maps at a cut layer. */
export interface ImageEncoder {
  /** Keys the cache: the weights and the layer. */
  id: string;
  /** Floats per image. */
  size: number;
  inputSize: number;
  encode(pixels: Uint8Array, count: number): Float32Array | Promise<Float32Array>;
}

export interface EmbeddedDataset {
  splits: Record<Split, SplitData>;
  /** Thumbnails made of the images of `thumbnails.split`, by source. */
  thumbnails: Map<string, Buffer>;
  failures: Array<{ source: string; message: string }>;
  /** Vectors computed now; the rest came from the cache. */
  computed: number;
  cached: number;
}

export interface EmbedDatasetOptions {
  dataset: Dataset;
  encoder: ImageEncoder;
  /** Also encode the mirror image of every copy (flip augmentation and test-time flips). */
  mirror?: boolean;
  reader: SourceReader;
  cache: EmbeddingCache;
  /** Augmented copies added per TRAIN image (0 for none). */
  augment: number;
  seed: number;
  batchSize: number;
  maxImagePixels: number;
  /**
   * Images decoded at once (unset: a whole batch). The gateway's jobs decode one at a time: their thread
   * shares libuv's pool with the gateway's own decodes and store queries, but not its decode gate.
   */
  decodeConcurrency?: number;
  onProgress?(done: number, total: number): void;
  /** Small JPEGs of (at most `max`) images of one split, made from the bytes read for embedding (kept with the evaluation). */
  thumbnails?: { split: Split; max: number; make(bytes: Buffer): Promise<Buffer | undefined> };
}

const AUGMENTATION_VERSION = 'a1';

interface Vector {
  item: DatasetItem;
  features: Float32Array;
  mirrored?: Float32Array;
}

/**
 * One image read: its vectors (copy 0, then augmented copies; with mirroring, each copy's mirror image
 * follows it), those still to compute as pixels.
 */
interface Prepared {
  item: DatasetItem;
  hash: string;
  features: Array<Float32Array | undefined>;
  misses: Array<{ copy: number; variant: string; pixels: Uint8Array }>;
}

/**
 * Every image through the frozen backbone, once: vectors are cached by image content, and each
 * augmented copy by the seed and copy number that determine it. Images that cannot be read or decoded
 * are reported and left out.
 */
export async function embedDataset(options: EmbedDatasetOptions): Promise<EmbeddedDataset> {
  const { dataset, encoder, cache, batchSize } = options;
  const featureSize = encoder.size;
  const perCopy = options.mirror ? 2 : 1;
  const failures: EmbeddedDataset['failures'] = [];
  const vectors: Vector[] = [];
  const thumbnails = new Map<string, Buffer>();
  let computed = 0;
  let cached = 0;
  const gate = options.decodeConcurrency ? new DecodeGate(options.decodeConcurrency, Number.MAX_SAFE_INTEGER) : undefined;
  const decode = (bytes: Buffer, inputSize: number) =>
    gate ? gate.run(1, () => decodeImage(bytes, inputSize, options.maxImagePixels)) : decodeImage(bytes, inputSize, options.maxImagePixels);

  for (let start = 0; start < dataset.items.length; start += batchSize) {
    const chunk = dataset.items.slice(start, start + batchSize);
    const prepared: Prepared[] = [];
    const outcomes = await Promise.allSettled(chunk.map((item) => prepare(item, options, decode, thumbnails)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') prepared.push(outcome.value);
      else failures.push({ source: chunk[i].source, message: (outcome.reason as Error).message });
    });
    const misses = prepared.flatMap((p) => p.misses.map((miss) => ({ ...miss, target: p })));
    // Batches go out together: an encoder with several threads works on them in parallel.
    const batches: Array<typeof misses> = [];
    for (let i = 0; i < misses.length; i += batchSize) batches.push(misses.slice(i, i + batchSize));
    await Promise.all(
      batches.map(async (batch) => {
        const features = await encoder.encode(
          concatenate(
            Uint8Array,
            batch.map((miss) => miss.pixels),
          ),
          batch.length,
        );
        for (const [j, miss] of batch.entries()) {
          const vector = features.slice(j * featureSize, (j + 1) * featureSize);
          await cache.put(miss.target.hash, miss.variant, vector);
          miss.target.features[miss.copy] = vector;
        }
      }),
    );
    computed += misses.length;
    for (const p of prepared) {
      cached += p.features.length - p.misses.length;
      for (let copy = 0; copy < p.features.length; copy += perCopy) {
        vectors.push({ item: p.item, features: p.features[copy]!, mirrored: options.mirror ? p.features[copy + 1] : undefined });
      }
    }
    options.onProgress?.(Math.min(start + batchSize, dataset.items.length), dataset.items.length);
  }
  failures.sort((a, b) => (a.source < b.source ? -1 : 1));
  return { splits: splitData(vectors, dataset.labels, featureSize), thumbnails, failures, computed, cached };
}

/** Reads one image, looks its vectors up in the cache, and decodes (and augments) it only if some are missing. */
async function prepare(
  item: DatasetItem,
  options: EmbedDatasetOptions,
  decode: (bytes: Buffer, inputSize: number) => Promise<DecodedImage>,
  thumbnails: Map<string, Buffer>,
): Promise<Prepared> {
  const { inputSize, size: featureSize } = options.encoder;
  const bytes = await options.reader.read(item.source);
  const wanted = options.thumbnails;
  if (wanted && item.split === wanted.split && thumbnails.size < wanted.max) {
    const thumbnail = await wanted.make(bytes);
    if (thumbnail && thumbnails.size < wanted.max) thumbnails.set(item.source, thumbnail);
  }
  const hash = sha256(bytes);
  const copies = item.split === 'TRAIN' ? options.augment : 0;
  const prepared: Prepared = { item, hash, features: [], misses: [] };
  const perCopy = options.mirror ? 2 : 1;
  let base: Uint8Array | undefined;
  for (let copy = 0; copy <= copies; copy++) {
    for (let mirrored = 0; mirrored < perCopy; mirrored++) {
      const slot = copy * perCopy + mirrored;
      const variant = (copy === 0 ? '' : `${AUGMENTATION_VERSION}-${options.seed}-${copy}`) + (mirrored ? `${copy === 0 ? '' : '-'}mirror` : '');
      prepared.features[slot] = await options.cache.get(hash, variant, featureSize);
      if (prepared.features[slot]) continue;
      if (!base) {
        const decoded = await decode(bytes, inputSize);
        if (decoded.error) throw new Error(decoded.error.message);
        base = decoded.pixels;
      }
      const pixels = copy === 0 ? base : augment(base, inputSize, randomAugmentation(seededRandom(seedFrom(options.seed, hash, copy))));
      prepared.misses.push({ copy: slot, variant, pixels: mirrored ? mirror(pixels, inputSize) : pixels });
    }
  }
  return prepared;
}

function splitData(vectors: Vector[], labels: string[], featureSize: number): Record<Split, SplitData> {
  const index = new Map(labels.map((label, i) => [label, i]));
  const of = (split: Split): SplitData => {
    const chosen = vectors.filter((vector) => vector.item.split === split);
    const features = new Float32Array(chosen.length * featureSize);
    const mirrored = chosen.some((vector) => vector.mirrored) ? new Float32Array(chosen.length * featureSize) : undefined;
    const targets = new Float32Array(chosen.length * labels.length);
    chosen.forEach((vector, row) => {
      features.set(vector.features, row * featureSize);
      mirrored?.set(vector.mirrored!, row * featureSize);
      for (const label of vector.item.labels) targets[row * labels.length + index.get(label)!] = 1;
    });
    return { count: chosen.length, features, mirrored, targets, sources: chosen.map((vector) => vector.item.source) };
  };
  return { TRAIN: of('TRAIN'), VALIDATION: of('VALIDATION'), TEST: of('TEST') };
}

/** size × size RGB pixels mirrored left-right. */
export function mirror(pixels: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) out.set(pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3), (y * size + size - 1 - x) * 3);
  }
  return out;
}
