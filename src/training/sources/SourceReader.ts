import { promises as fs } from 'node:fs';
import type { Storage } from '@google-cloud/storage';

export interface SourceReaderOptions {
  /** Base URL of the Cloud Storage JSON API (tests, emulators); STORAGE_EMULATOR_HOST is honoured too. */
  gcsApiEndpoint?: string;
  gcsProjectId?: string;
  /** Largest image accepted from any source. */
  maxBytes?: number;
  /** Deadline for one remote download. */
  timeoutMs?: number;
}

export class SourceError extends Error {
  override name = 'SourceError';
}

class RetryableError extends Error {}

/** Reads image bytes from a local path, a gs://bucket/object URI (Cloud Storage) or an http(s) URL. */
export class SourceReader {
  private storage?: Storage;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: SourceReaderOptions = {}) {
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async read(source: string): Promise<Buffer> {
    if (/^gs:\/\//i.test(source)) return this.readGcs(source);
    if (/^https?:\/\//i.test(source)) return this.readHttp(source);
    const stat = await fs.stat(source).catch(() => undefined);
    if (!stat?.isFile()) throw new SourceError(`${source}: no such file`);
    if (stat.size > this.maxBytes) throw new SourceError(`${source}: larger than ${this.maxBytes} bytes`);
    return fs.readFile(source);
  }

  private async readGcs(uri: string): Promise<Buffer> {
    const match = /^gs:\/\/([^/]+)\/(.+)$/i.exec(uri);
    if (!match) throw new SourceError(`${uri}: expected gs://bucket/object`);
    const file = this.gcs().bucket(match[1]).file(match[2]);
    try {
      const [bytes] = await file.download();
      if (bytes.length > this.maxBytes) throw new SourceError(`${uri}: larger than ${this.maxBytes} bytes`);
      return bytes;
    } catch (error) {
      if (error instanceof SourceError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new SourceError(`${uri}: ${code === 404 ? 'no such object' : (error as Error).message}`);
    }
  }

  /** Transient failures (network errors, 429, 5xx) are retried twice; kept-alive sockets closed by the server are one. */
  private async readHttp(url: string): Promise<Buffer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOnce(url);
      } catch (error) {
        if (!(error instanceof RetryableError) || attempt >= 2) throw error instanceof RetryableError ? new SourceError(error.message) : error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 4 ** attempt));
      }
    }
  }

  private async fetchOnce(url: string): Promise<Buffer> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), redirect: 'follow' });
    } catch (error) {
      throw new RetryableError(`${url}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      const message = `${url}: HTTP ${response.status}`;
      throw response.status === 429 || response.status >= 500 ? new RetryableError(message) : new SourceError(message);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > this.maxBytes) {
      await response.body?.cancel();
      throw new SourceError(`${url}: larger than ${this.maxBytes} bytes`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > this.maxBytes) throw new SourceError(`${url}: larger than ${this.maxBytes} bytes`);
    return bytes;
  }

  /** Created on first use: only CSVs with gs:// rows need the client (and, against Google, credentials). */
  private gcs(): Storage {
    if (!this.storage) {
      const { Storage: StorageClient } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
      this.storage = new StorageClient({
        timeout: this.timeoutMs,
        retryOptions: { maxRetries: 2 },
        ...(this.options.gcsApiEndpoint ? { apiEndpoint: this.options.gcsApiEndpoint } : {}),
        ...(this.options.gcsProjectId ? { projectId: this.options.gcsProjectId } : {}),
      });
    }
    return this.storage;
  }
}
