import type { RuntimeKind, RuntimePreference } from '../runtime/types';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { BackboneInfo, BackboneSource } from '../backbone/Backbone';
import { BackboneThread } from '../backbone/BackboneThread';
import { embedImages } from './embedImages';
import { METADATA_KEYS, readEmbeddingsParquet, writeEmbeddingsParquet, type EmbeddingTable } from './embeddingsParquet';
import { listImageFiles } from './imageFiles';
import { fitPca, projectPca } from './pca';
import { storePca } from './pcaMetadata';
import { inShard, type Shard } from './shards';

export interface EmbedFolderOptions {
  images: string;
  out: string;
  backbone: BackboneSource;
  /** Principal components to fit on the set and store in a `pca` column; omit for none. */
  pca?: number;
  shard?: Shard;
  threads: number;
  batchSize: number;
  maxImagePixels: number;
  seed: number;
  /** INFERENCE_RUNTIME and the ONNX conversion cache for the backbone threads (default: auto, a folder under the OS temp dir). */
  runtime?: RuntimePreference;
  onnxCacheDir?: string;
  onStart?(total: number, backbone: BackboneInfo, runtime?: { runtime: RuntimeKind; fallbackReason?: string }): void;
  onProgress?(done: number, total: number): void;
}

export interface EmbedReport {
  out: string;
  images: number;
  failures: Array<{ path: string; message: string }>;
  backbone: BackboneInfo;
  pca?: { k: number; explainedVarianceRatio: number[]; seconds: number };
  seconds: number;
}

/** `npm run embed`: every image under a folder through the backbone into one Parquet file. */
export async function embedFolder(options: EmbedFolderOptions): Promise<EmbedReport> {
  const started = performance.now();
  let files = await listImageFiles(options.images);
  if (options.shard) files = files.filter((file) => inShard(file.path, options.shard!));
  // Several images decode at once (one per libuv pool thread): libvips splitting each image over its
  // own threads as well only adds synchronisation CPU.
  sharp.concurrency(1);
  const threadOptions = { runtime: options.runtime, onnxCacheDir: options.onnxCacheDir };
  const threads = await Promise.all(Array.from({ length: Math.max(1, options.threads) }, () => BackboneThread.start(options.backbone, threadOptions)));
  try {
    const backbone = threads[0].info;
    options.onStart?.(files.length, backbone, { runtime: threads[0].runtime, fallbackReason: threads[0].fallbackReason });
    const embedded = await embedImages({ files, threads, batchSize: options.batchSize, maxImagePixels: options.maxImagePixels, onProgress: options.onProgress });
    if (embedded.rows.length === 0) throw new Error(`no image under ${options.images} could be embedded`);
    const table: EmbeddingTable = { ...embedded, metadata: baseMetadata(backbone, embedded.dim) };
    if (options.shard) table.metadata.shard = `${options.shard.index}/${options.shard.count}`;
    const pca = options.pca ? addPca(table, options.pca, options.seed) : undefined;
    await writeEmbeddingsParquet(options.out, table);
    return { out: options.out, images: table.rows.length, failures: embedded.failures, backbone, pca, seconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.all(threads.map((thread) => thread.close()));
  }
}

/** Joins the shard files of one set (same backbone) into one file, fitting the PCA on the whole set. */
export async function mergeEmbeddings(options: { inputs: string; out: string; pca?: number; seed: number }): Promise<EmbedReport> {
  const started = performance.now();
  const table = await readEmbeddingsParquet(options.inputs);
  const backbone = JSON.parse(table.metadata[METADATA_KEYS.backbone]) as BackboneInfo;
  table.metadata = baseMetadata(backbone, table.dim);
  const pca = options.pca ? addPca(table, options.pca, options.seed) : undefined;
  await writeEmbeddingsParquet(options.out, table);
  return { out: options.out, images: table.rows.length, failures: [], backbone, pca, seconds: (performance.now() - started) / 1000 };
}

function baseMetadata(backbone: BackboneInfo, dim: number): Record<string, string> {
  return {
    [METADATA_KEYS.backbone]: JSON.stringify(backbone),
    [METADATA_KEYS.embeddingDim]: String(dim),
    [METADATA_KEYS.createdBy]: 'openimages-gateway npm run embed',
  };
}

function addPca(table: EmbeddingTable, k: number, seed: number): EmbedReport['pca'] {
  const started = performance.now();
  const model = fitPca(table.embeddings, table.rows.length, table.dim, k, { seed });
  table.pca = { k: model.k, values: projectPca(model, table.embeddings, table.rows.length) };
  table.metadata[METADATA_KEYS.pca] = storePca(model);
  return { k: model.k, explainedVarianceRatio: model.explainedVarianceRatio, seconds: (performance.now() - started) / 1000 };
}
