import { ErrorCode, GatewayError } from '../errors';
import { decodeImage } from '../models/decodeImage';
import type { BackboneInfo } from './backbone/Backbone';
import { BackboneThread } from './BackboneThread';
import { normalize } from './cosineTopK';
import { METADATA_KEYS, readEmbeddingsParquet, type EmbeddingRow } from './embeddingsParquet';

export interface SimilarMatch {
  path: string;
  label: string | null;
  /** Cosine similarity, -1 to 1. */
  score: number;
}

interface Loaded {
  rows: EmbeddingRow[];
  dim: number;
  /** Unit rows, shared with the backbone thread. */
  matrix: Float32Array;
  backbone: BackboneInfo;
}

/**
 * An embeddings Parquet file held in memory as unit vectors, searched by cosine similarity for an
 * uploaded image embedded with the backbone that made the file. The file names its backbone; that
 * backbone is loaded in a worker thread, and a file whose backbone now loads differently is refused.
 */
export class EmbeddingIndex {
  private loaded?: Loaded;
  private thread?: Promise<BackboneThread>;
  private startedThread?: BackboneThread;
  private closed = false;
  /** Settles when the file and the backbone are loaded; rejects with EMBEDDINGS_UNAVAILABLE. */
  readonly ready: Promise<void>;

  private constructor(
    readonly file: string,
    private readonly maxImagePixels: number,
  ) {
    this.ready = this.load();
    this.ready.catch(() => undefined); // surfaced by every query instead
  }

  /** Starts loading in the background; queries wait for it. */
  static open(file: string, options: { maxImagePixels: number }): EmbeddingIndex {
    return new EmbeddingIndex(file, options.maxImagePixels);
  }

  get size(): number {
    return this.loaded?.rows.length ?? 0;
  }

  get backbone(): BackboneInfo | undefined {
    return this.loaded?.backbone;
  }

  /** The `first` indexed images most similar to the uploaded one, best first. */
  async similar(image: Buffer, first: number): Promise<SimilarMatch[]> {
    await this.ready;
    const loaded = this.loaded!;
    const decoded = await decodeImage(image, loaded.backbone.inputSize, this.maxImagePixels);
    if (decoded.error) throw new GatewayError(decoded.error.code, decoded.error.message);
    const thread = await this.liveThread(loaded);
    const { indices, scores } = await thread.search(decoded.pixels, first).catch((error: Error) => {
      throw new GatewayError(ErrorCode.EmbeddingsUnavailable, `Similarity search failed: ${error.message}`, {}, { cause: error });
    });
    return Array.from(indices, (row, i) => ({ ...loaded.rows[row], score: scores[i] }));
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = await this.thread?.catch(() => undefined);
    await thread?.close();
  }

  private async load(): Promise<void> {
    try {
      const table = await readEmbeddingsParquet(this.file);
      const described = table.metadata[METADATA_KEYS.backbone];
      if (!described) throw new Error('it names no backbone (write it with `npm run embed`)');
      const backbone = JSON.parse(described) as BackboneInfo;
      const matrix = new Float32Array(new SharedArrayBuffer(table.embeddings.byteLength));
      for (let r = 0; r < table.rows.length; r++) {
        matrix.set(normalize(table.embeddings.subarray(r * table.dim, (r + 1) * table.dim)), r * table.dim);
      }
      const loaded: Loaded = { rows: table.rows, dim: table.dim, matrix, backbone };
      const thread = await this.liveThread(loaded);
      if (thread.info.id !== backbone.id) {
        throw new Error(`its vectors come from backbone "${backbone.id}", but that source now loads as "${thread.info.id}": re-run \`npm run embed\``);
      }
      this.loaded = loaded;
    } catch (error) {
      const thread = await this.thread?.catch(() => undefined);
      this.thread = undefined;
      await thread?.close();
      const reason = error instanceof GatewayError ? error.message : (error as Error).message;
      throw new GatewayError(ErrorCode.EmbeddingsUnavailable, `The embeddings file ${this.file} cannot be searched: ${reason}`, {}, { cause: error });
    }
  }

  /** The backbone thread, started again (and given the matrix) if it died or failed to start. */
  private liveThread(loaded: Loaded): Promise<BackboneThread> {
    if (this.closed) return Promise.reject(new GatewayError(ErrorCode.EmbeddingsUnavailable, 'The gateway is shutting down.'));
    if (this.thread && this.startedThread?.alive !== false) return this.thread;
    this.startedThread = undefined;
    const starting = BackboneThread.start(loaded.backbone.source).then(async (thread) => {
      await thread.attach(loaded.matrix, loaded.rows.length, loaded.dim);
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
