import { promises as fs } from 'node:fs';
import type { Storage } from '@google-cloud/storage';
import { collectBounded } from '../../http/collectBounded';
import { safeFetch, type SafeFetchError, type Resolve } from '../../http/safeFetch';
import { exponentialDelay, retry } from '../../retry';
import { assertInside } from '../dataset/assertInside';
import { isRemoteSourceAllowed, type RemoteSourcePolicy } from './remoteSources';

export interface SourceReaderOptions {
  /** Base URL of the Cloud Storage JSON API (set by the operator: tests, emulators); STORAGE_EMULATOR_HOST is honoured too. */
  gcsApiEndpoint?: string;
  gcsProjectId?: string;
  /** Largest image accepted from any source. */
  maxBytes?: number;
  /** Deadline for one remote download: connecting, the headers and the whole body. */
  timeoutMs?: number;
  /** Hosts and buckets remote rows may name; unset: local files only. */
  remote?: RemoteSourcePolicy;
  /** Local files must lie inside this folder once symbolic links are resolved. */
  localRoot?: string;
  /** Tests only: host name resolution and the address rule for http(s) sources. */
  resolve?: Resolve;
  allowAddress?: (address: string) => boolean;
}

export class SourceError extends Error {
  override name = 'SourceError';
}

/** Timeouts after which a host's remaining rows are skipped at once: a silent host must not cost a deadline per row. */
const TIMEOUTS_BEFORE_SKIPPING_HOST = 3;

/** Reads image bytes from a local path, a gs://bucket/object URI (Cloud Storage) or an http(s) URL. */
export class SourceReader {
  private storage?: Storage;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly timeoutsByHost = new Map<string, number>();

  constructor(private readonly options: SourceReaderOptions = {}) {
    this.maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async read(source: string): Promise<Buffer> {
    const remote = /^(gs|https?):\/\//i.test(source);
    if (remote && !isRemoteSourceAllowed(this.options.remote, source)) {
      throw new SourceError(`${source}: remote source not allowed by TRAINING_REMOTE_SOURCES`);
    }
    if (/^gs:\/\//i.test(source)) return this.readGcs(source);
    if (remote) return this.readHttp(source);
    const file = this.options.localRoot ? await assertInside(this.options.localRoot, source, source) : source;
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) throw new SourceError(`${source}: no such file`);
    if (stat.size > this.maxBytes) throw new SourceError(`${source}: larger than ${this.maxBytes} bytes`);
    return fs.readFile(file);
  }

  /** Streamed, so the size cap and the deadline hold however the object's bytes arrive. */
  private async readGcs(uri: string): Promise<Buffer> {
    const match = /^gs:\/\/([^/]+)\/(.+)$/i.exec(uri);
    if (!match) throw new SourceError(`${uri}: expected gs://bucket/object`);
    const stream = this.gcs().bucket(match[1]).file(match[2]).createReadStream();
    const timer = setTimeout(() => stream.destroy(new SourceError(`${uri}: no complete answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    try {
      return await collectBounded(stream, {
        maxBytes: this.maxBytes,
        tooLarge: () => new SourceError(`${uri}: larger than ${this.maxBytes} bytes`),
        failure: (error: Error & { code?: unknown }) =>
          error instanceof SourceError ? error : new SourceError(`${uri}: ${error.code === 404 ? 'no such object' : error.message}`),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Transient failures (network errors, 429, 5xx) are retried twice. */
  private async readHttp(url: string): Promise<Buffer> {
    const host = new URL(url).host;
    if ((this.timeoutsByHost.get(host) ?? 0) >= TIMEOUTS_BEFORE_SKIPPING_HOST) {
      throw new SourceError(`${url}: skipped, ${host} did not answer in time ${TIMEOUTS_BEFORE_SKIPPING_HOST} times`);
    }
    const fetchOnce = async () => {
      try {
        return await safeFetch(url, {
          timeoutMs: this.timeoutMs,
          maxBytes: this.maxBytes,
          allowUrl: (next) => isRemoteSourceAllowed(this.options.remote, next.toString()),
          resolve: this.options.resolve,
          allowAddress: this.options.allowAddress,
        });
      } catch (error) {
        if ((error as SafeFetchError).reason === 'timeout') this.timeoutsByHost.set(host, (this.timeoutsByHost.get(host) ?? 0) + 1);
        throw error;
      }
    };
    try {
      return await retry(fetchOnce, { retries: 2, retryable: isTransient, delayMs: exponentialDelay(200, 4) });
    } catch (error) {
      throw new SourceError(`${url}: ${(error as SafeFetchError).message}`);
    }
  }

  /** Created on first use: only CSVs with gs:// rows need the client (and, against Google, credentials). */
  private gcs(): Storage {
    if (!this.storage) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only gs:// sources pay for loading the Storage client
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

/** Worth another attempt: the network failed, or the host is busy (429) or failing (5xx). */
function isTransient(error: unknown): boolean {
  const failure = error as SafeFetchError;
  return failure.reason === 'network' || (failure.reason === 'status' && (failure.status === 429 || failure.status! >= 500));
}
