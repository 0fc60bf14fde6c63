import { promises as fs } from 'node:fs';
import { decodeImage } from '../models/decodeImage';
import { concatenate } from '../typedArrays';
import type { BackboneThread } from '../backbone/BackboneThread';
import type { EmbeddingRow } from './embeddingsParquet';
import type { ImageFile } from './imageFiles';

export interface EmbedImagesOptions {
  files: ImageFile[];
  /** Started threads with the same backbone; batches are spread over them. */
  threads: BackboneThread[];
  batchSize: number;
  maxImagePixels: number;
  onProgress?(done: number, total: number): void;
}

export interface EmbeddedImages {
  rows: EmbeddingRow[];
  dim: number;
  /** rows × dim, in the order of `files` (failures left out). */
  embeddings: Float32Array;
  /** Files that could not be read or decoded: listed, not fatal. */
  failures: Array<{ path: string; message: string }>;
}

interface Batch {
  rows: EmbeddingRow[];
  features?: Float32Array;
  failures: Array<{ path: string; message: string }>;
}

interface DecodedBatch {
  index: number;
  slice: ImageFile[];
  decoded: Array<{ pixels?: Uint8Array; error?: { message: string } }>;
}

/**
 * Decodes images on the main thread (sharp works on libuv's pool, off the event loop) while the backbone
 * threads embed: each thread's next batch is decoded while it embeds the current one, so decode and
 * predict overlap and neither core waits for the other stage. Batches keep the file order.
 */
export async function embedImages(options: EmbedImagesOptions): Promise<EmbeddedImages> {
  const { files, threads, batchSize } = options;
  const { inputSize, featureSize: dim } = threads[0].info;
  const batches: Batch[] = [];
  let next = 0;
  let done = 0;
  const decodeNext = async (): Promise<DecodedBatch | undefined> => {
    if (next * batchSize >= files.length) return undefined;
    const index = next++;
    const slice = files.slice(index * batchSize, (index + 1) * batchSize);
    const decoded = await Promise.all(
      slice.map(async (file) => {
        try {
          return await decodeImage(await fs.readFile(file.file), inputSize, options.maxImagePixels);
        } catch (error) {
          return { error: { message: (error as Error).message } };
        }
      }),
    );
    return { index, slice, decoded };
  };
  const embed = async (thread: BackboneThread, { index, slice, decoded }: DecodedBatch) => {
    const batch: Batch = { rows: [], failures: [] };
    batches[index] = batch;
    const pixels: Uint8Array[] = [];
    decoded.forEach((image, i) => {
      if (image.pixels) {
        pixels.push(image.pixels);
        batch.rows.push({ path: slice[i].path, label: slice[i].label });
      } else batch.failures.push({ path: slice[i].path, message: image.error?.message ?? 'not decoded' });
    });
    if (pixels.length > 0) batch.features = await thread.embed(concatenate(Uint8Array, pixels), pixels.length);
    done += slice.length;
    options.onProgress?.(done, files.length);
  };
  const work = async (thread: BackboneThread) => {
    let ahead = decodeNext();
    for (let current = await ahead; current; current = await ahead) {
      ahead = decodeNext();
      await embed(thread, current);
    }
  };
  await Promise.all(threads.map(work));

  const rows = batches.flatMap((batch) => batch.rows);
  // rows × dim: a batch has features for exactly its rows.
  const embeddings = concatenate(
    Float32Array,
    batches.flatMap((batch) => (batch.features ? [batch.features] : [])),
  );
  return { rows, dim, embeddings, failures: batches.flatMap((batch) => batch.failures) };
}
