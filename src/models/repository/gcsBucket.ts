import type { Bucket, Storage } from '@google-cloud/storage';

/** `gs://bucket/prefix` split into the bucket and the object-name prefix (`prefix/`, or '' for the bucket's root). */
export function parseGcsLocation(location: string): { bucket: string; prefix: string } {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (!match) throw new Error(`${location}: expected gs://bucket or gs://bucket/prefix`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1], prefix: prefix ? `${prefix}/` : '' };
}

/** The Cloud Storage client: Application Default Credentials against Google, or none against `apiEndpoint` (an emulator). */
export function openBucket(name: string, apiEndpoint?: string): Bucket {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only a gs:// repository pays for loading the Storage client
  const { Storage: StorageClient } = require('@google-cloud/storage') as typeof import('@google-cloud/storage');
  const storage: Storage = new StorageClient({ retryOptions: { maxRetries: 3 }, ...(apiEndpoint ? { apiEndpoint, projectId: 'emulator' } : {}) });
  return storage.bucket(name);
}

/** The HTTP status of a failed Cloud Storage call (412: a precondition did not hold; 404: no such object). */
export function gcsStatus(error: unknown): number | undefined {
  // JSON API calls carry it as `code`; a resumable upload's session request as the response's status.
  const failure = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  const status = [failure.code, failure.status, failure.response?.status].find((value) => typeof value === 'number');
  return status as number | undefined;
}

/** Every object name and common prefix under `prefix`, page by page (`pageToken`), `pageSize` at a time. */
export async function listAll(bucket: Bucket, prefix: string, options: { delimiter?: string; pageSize?: number } = {}): Promise<{ names: string[]; prefixes: string[] }> {
  const names: string[] = [];
  const prefixes: string[] = [];
  let pageToken: string | undefined;
  do {
    const [files, next, response] = await bucket.getFiles({
      prefix,
      autoPaginate: false,
      maxResults: options.pageSize ?? 1000,
      ...(options.delimiter ? { delimiter: options.delimiter } : {}),
      ...(pageToken ? { pageToken } : {}),
    });
    names.push(...files.map((file) => file.name));
    prefixes.push(...(((response as { prefixes?: string[] } | undefined)?.prefixes ?? []) as string[]));
    pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
  } while (pageToken);
  return { names, prefixes };
}
