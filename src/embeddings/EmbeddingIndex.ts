import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { GatewayConfig } from '../config';
import type { RuntimePreference } from '../runtime/types';
import { assertDecodeRoom, decodeImages } from '../models/uploadStage';
import type { BigQuerySettings } from '../store/bigquery/bigQueryConnection';
import type { BackboneInfo } from '../backbone/Backbone';
import { BigQueryVectorSearch } from './bigquery/BigQueryVectorSearch';
import { BackboneThread } from '../backbone/BackboneThread';
import { normalize } from './cosineTopK';
import { METADATA_KEYS, readEmbeddingsMetadata, readVectorColumn } from './embeddingsParquet';
import { searchSpaceOf, type SearchSpace } from './searchSpace';
import { ExactSearch } from './vectorIndex/ExactSearch';
import { openHnswIndex } from './vectorIndex/hnswIndexFile';
import type { SimilarMatch, VectorSearch } from './vectorIndex/VectorSearch';

/** For an index opened outside the gateway (benchmarks, scripts): the gateway's defaults. */
const UNSHARED_DECODE_LIMITS: GatewayConfig['decode'] = { concurrency: 2, pixelBudget: 80_000_000, queueLimit: 256 };

/** Below this many rows every row is scored (exact); from it on, an HNSW index is built once and kept beside the file. */
export const DEFAULT_INDEX_MIN_ROWS = 10_000;

export interface EmbeddingIndexOptions {
  maxImagePixels: number;
  /** The process's decode limits (DECODE_*): the gateway passes its own, so queries share the gate with classify. */
  decode?: GatewayConfig['decode'];
  /** EMBEDDINGS_INDEX_MIN_ROWS. */
  indexMinRows?: number;
  /** HNSW candidates per search (recall against latency); default HNSW_PARAMETERS.expansionSearch. */
  expansionSearch?: number;
  /**
   * Search an embeddings table in BigQuery (BIGQUERY_EMBEDDINGS_TABLE with STORE=bigquery) instead of
   * the file's rows: the file then only names the backbone and the PCA basis.
   */
  bigQuery?: { settings: BigQuerySettings; table: string };
  onIndexProgress?(added: number, rows: number): void;
  /** Errors name neither the file nor what a library said about it (the detail is logged). */
  production?: boolean;
  /** INFERENCE_RUNTIME and the ONNX conversion cache (`<MODELS_DIR>/.onnx-cache`) for the backbone thread. */
  runtime?: RuntimePreference;
  onnxCacheDir?: string;
}

interface Loaded {
  space: SearchSpace;
  search: VectorSearch;
  backbone: BackboneInfo;
}

/** How the index was made ready, for logs and the benchmark. */
export interface IndexReport {
  rows: number;
  dim: number;
  column: SearchSpace['column'];
  kind: VectorSearch['kind'];
  /** HNSW only: built now (false: a saved index was loaded). */
  built?: boolean;
  indexSeconds?: number;
  indexFile?: string;
  readSeconds: number;
}

/**
 * An embeddings Parquet file searched by cosine similarity for an uploaded image embedded with the
 * backbone that made the file. The file names its backbone; that backbone is loaded in a worker thread,
 * and a file whose backbone now loads differently is refused. Vectors are the file's PCA projection
 * when it has one (see SearchSpace); small sets are searched exactly, large ones through an HNSW index.
 */
export class EmbeddingIndex {
  private loaded?: Loaded;
  private thread?: Promise<BackboneThread>;
  private startedThread?: BackboneThread;
  private closed = false;
  /** Settles when the file, its index and the backbone are loaded; rejects with EMBEDDINGS_UNAVAILABLE. */
  readonly ready: Promise<IndexReport>;

  private constructor(
    readonly file: string,
    private readonly options: EmbeddingIndexOptions,
  ) {
    this.ready = this.load();
    this.ready.catch(() => undefined); // surfaced by every query instead
  }

  /** Starts loading in the background; queries wait for it. */
  static open(file: string, options: EmbeddingIndexOptions): EmbeddingIndex {
    return new EmbeddingIndex(file, options);
  }

  get size(): number {
    return this.loaded?.search.size ?? 0;
  }

  get backbone(): BackboneInfo | undefined {
    return this.loaded?.backbone;
  }

  /** The `first` indexed images most similar to the uploaded one, best first. */
  async similar(image: Buffer, first: number): Promise<SimilarMatch[]> {
    await this.ready;
    const loaded = this.loaded!;
    const limits = { decode: this.options.decode ?? UNSHARED_DECODE_LIMITS, maxImagePixels: this.options.maxImagePixels };
    assertDecodeRoom(limits, 1);
    const [decoded] = await decodeImages([image], loaded.backbone.inputSize, limits);
    if (decoded.error) throw new GatewayError(decoded.error.code, decoded.error.message);
    const thread = await this.liveThread(loaded.backbone);
    const embedding = await thread.embed(decoded.pixels, 1).catch((error: Error) => {
      logger.error({ file: this.file, err: error }, 'similarImages: embedding the query image failed');
      const message = this.options.production ? 'Similarity search failed (see the gateway log).' : `Similarity search failed: ${error.message}`;
      throw new GatewayError(ErrorCode.EmbeddingsUnavailable, message, {}, { cause: error });
    });
    return this.nearest(loaded.space.toQuery(embedding), first);
  }

  /** The `first` rows nearest to a query already in the search space (unit length), best first. */
  async nearest(query: Float32Array, first: number): Promise<SimilarMatch[]> {
    await this.ready;
    return this.loaded!.search.nearest(query, first);
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = await this.thread?.catch(() => undefined);
    await thread?.close();
  }

  private async load(): Promise<IndexReport> {
    try {
      const started = performance.now();
      const metadata = await readEmbeddingsMetadata(this.file);
      const described = metadata[METADATA_KEYS.backbone];
      if (!described) throw new Error('it names no backbone (write it with `npm run embed`)');
      const backbone = JSON.parse(described) as BackboneInfo;
      const space = searchSpaceOf(metadata);
      const thread = this.liveThread(backbone);
      const { report, search } = this.options.bigQuery ? this.remote(space, started) : await this.local(space, started);
      const backboneThread = await thread;
      if (backboneThread.info.id !== backbone.id) {
        throw new Error(`its vectors come from backbone "${backbone.id}", but that source now loads as "${backboneThread.info.id}": re-run \`npm run embed\``);
      }
      if (space.embeddingDim !== undefined && space.embeddingDim !== backboneThread.info.featureSize) {
        throw new Error(`its PCA expects ${space.embeddingDim} features, the backbone gives ${backboneThread.info.featureSize}`);
      }
      this.loaded = { space, search, backbone };
      logger.info({ file: this.file, ...report }, 'embeddings ready for similarImages');
      return report;
    } catch (error) {
      return this.fail(error);
    }
  }

  private remote(space: SearchSpace, started: number): { report: IndexReport; search: VectorSearch } {
    const { settings, table } = this.options.bigQuery!;
    const search = new BigQueryVectorSearch(settings, table, space.column);
    const report: IndexReport = { rows: 0, dim: 0, column: space.column, kind: 'bigquery', readSeconds: (performance.now() - started) / 1000, indexFile: search.table };
    return { report, search };
  }

  private async local(space: SearchSpace, started: number): Promise<{ report: IndexReport; search: VectorSearch }> {
    const table = await readVectorColumn(this.file, space.column);
    const matrix = new Float32Array(new SharedArrayBuffer(table.vectors.byteLength));
    for (let r = 0; r < table.rows.length; r++) {
      matrix.set(normalize(table.vectors.subarray(r * table.dim, (r + 1) * table.dim)), r * table.dim);
    }
    const readSeconds = (performance.now() - started) / 1000;
    const report: IndexReport = { rows: table.rows.length, dim: table.dim, column: space.column, kind: 'exact', readSeconds };
    let search: VectorSearch;
    // A glob (shards served together) has no one file to keep an index beside: it is searched exactly.
    if (table.rows.length >= (this.options.indexMinRows ?? DEFAULT_INDEX_MIN_ROWS) && (await isFile(this.file))) {
      const opened = await openHnswIndex({
        parquetFile: this.file,
        column: space.column,
        matrix,
        rows: table.rows.length,
        dim: table.dim,
        images: table.rows,
        expansionSearch: this.options.expansionSearch,
        onProgress: this.options.onIndexProgress,
      });
      search = opened.index;
      Object.assign(report, { kind: 'hnsw', built: opened.built, indexSeconds: opened.seconds, indexFile: opened.indexFile });
    } else {
      search = new ExactSearch(matrix, table.rows.length, table.dim, table.rows);
    }
    return { report, search };
  }

  private async fail(error: unknown): Promise<never> {
    const thread = await this.thread?.catch(() => undefined);
    this.thread = undefined;
    await thread?.close();
    const reason = error instanceof GatewayError ? error.message : (error as Error).message;
    logger.error({ file: this.file, reason }, 'the EMBEDDINGS file cannot be searched: similarImages answers EMBEDDINGS_UNAVAILABLE');
    const message = this.options.production ? 'The embeddings file cannot be searched (see the gateway log).' : `The embeddings file ${this.file} cannot be searched: ${reason}`;
    throw new GatewayError(ErrorCode.EmbeddingsUnavailable, message, {}, { cause: error });
  }

  /** The backbone thread, started again if it died or failed to start. */
  private liveThread(backbone: BackboneInfo): Promise<BackboneThread> {
    if (this.closed) return Promise.reject(new GatewayError(ErrorCode.ShuttingDown, 'The gateway is shutting down.'));
    if (this.thread && this.startedThread?.alive !== false) return this.thread;
    this.startedThread = undefined;
    const starting = BackboneThread.start(backbone.source, { runtime: this.options.runtime, onnxCacheDir: this.options.onnxCacheDir }).then((thread) => {
      logger.info({ backbone: backbone.id, runtime: thread.runtime, fallbackReason: thread.fallbackReason }, 'similarImages backbone thread started');
      this.startedThread = thread;
      return thread;
    });
    starting.catch(() => {
      if (this.thread === starting) this.thread = undefined;
    });
    this.thread = starting;
    return starting;
  }
}

const isFile = (file: string) =>
  fs.stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
