import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';
import { parseMultipartRelated } from './multipartRelated';

interface StoredObject {
  bytes: Buffer;
  contentType: string;
  generation: number;
  metadata?: Record<string, string>;
  updated: string;
}

interface ResumableUpload {
  bucket: string;
  name: string;
  contentType: string;
  metadata?: Record<string, string>;
  query: Record<string, string>;
  chunks: Buffer[];
  received: number;
  done?: Record<string, unknown>;
}

/**
 * A loopback Cloud Storage JSON API endpoint, as `@google-cloud/storage` speaks it with `apiEndpoint`
 * pointed here. Objects: `GET /storage/v1/b/<bucket>/o/<object>` (the resource; `?alt=media` and
 * `/download/...` for the bytes, with the `x-goog-hash` the client validates), `DELETE` (204 / 404),
 * list `GET /storage/v1/b/<bucket>/o` with `prefix`, `delimiter`, `maxResults`, `pageToken` (`items` and
 * `prefixes` counted together against maxResults, in name order, as GCS pages them). Uploads under
 * `/upload/storage/v1/b/<bucket>/o`: `uploadType=media`, `multipart` (multipart/related: JSON metadata,
 * then the bytes) and `resumable` (a session URI in `Location`, then `PUT`s with `Content-Range`, 308
 * until the last byte). Every write gets a new generation; `ifGenerationMatch` (0: the object must not
 * exist) and `ifGenerationNotMatch` answer 412 `conditionNotMet` when they do not hold. `failNext`
 * queues error statuses to exercise retries.
 */
export class FakeGcs {
  readonly requests: Array<{ method: string; path: string; query: Record<string, string> }> = [];
  private readonly objects = new Map<string, StoredObject>();
  private readonly uploads = new Map<string, ResumableUpload>();
  private readonly failures: number[] = [];
  private generation = 1;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeGcs> {
    const handler: { fake?: FakeGcs } = {};
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => handler.fake!.handle(request, Buffer.concat(chunks), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handler.fake = new FakeGcs(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.fake;
  }

  put(bucket: string, name: string, bytes: Buffer, contentType = 'image/jpeg'): void {
    this.objects.set(`${bucket}/${name}`, { bytes, contentType, generation: this.generation++, updated: new Date().toISOString() });
  }

  /** The object's bytes, or undefined. */
  get(bucket: string, name: string): Buffer | undefined {
    return this.objects.get(`${bucket}/${name}`)?.bytes;
  }

  /** Names of the bucket's objects under `prefix`, sorted. */
  names(bucket: string, prefix = ''): string[] {
    const start = `${bucket}/${prefix}`;
    return [...this.objects.keys()]
      .filter((key) => key.startsWith(start))
      .map((key) => key.slice(bucket.length + 1))
      .sort();
  }

  /** The next requests answer these HTTP statuses (e.g. 503), one each, before serving normally. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.endpoint);
    const query = Object.fromEntries(url.searchParams);
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query });
    const failure = this.failures.shift();
    if (failure) return sendError(response, failure, 'Injected failure');
    const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (upload) return this.upload(request, decodeURIComponent(upload[1]), query, body, response);
    const list = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
    if (list && method === 'GET') return sendJson(response, 200, this.list(decodeURIComponent(list[1]), query));
    const match = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (!match || (method !== 'GET' && method !== 'DELETE')) return sendError(response, 404, `Not Found: ${method} ${url.pathname}`);
    const bucket = decodeURIComponent(match[1]);
    const name = decodeURIComponent(match[2]);
    const object = this.objects.get(`${bucket}/${name}`);
    if (!object || (query.generation !== undefined && query.generation !== String(object.generation))) {
      return sendError(response, 404, `No such object: ${bucket}/${name}`);
    }
    if (!preconditionsHold(query, object)) return sendError(response, 412, PRECONDITION_FAILED);
    if (method === 'DELETE') {
      this.objects.delete(`${bucket}/${name}`);
      response.writeHead(204);
      return void response.end();
    }
    if (query.alt === 'media') {
      response.writeHead(200, {
        'content-type': object.contentType,
        'content-length': object.bytes.length,
        'x-goog-hash': `crc32c=${crc32c(object.bytes)},md5=${md5(object.bytes)}`,
        'x-goog-generation': String(object.generation),
        'x-goog-metageneration': '1',
        'x-goog-stored-content-length': String(object.bytes.length),
      });
      return void response.end(object.bytes);
    }
    sendJson(response, 200, this.resource(bucket, name, object));
  }

  private list(bucket: string, query: Record<string, string>): Record<string, unknown> {
    const prefix = query.prefix ?? '';
    const delimiter = query.delimiter;
    const maxResults = Math.min(Number(query.maxResults ?? 1000) || 1000, 1000);
    const after = query.pageToken ? Buffer.from(query.pageToken, 'base64url').toString('utf8') : undefined;
    // One entry per object, or per prefix for names that go on past the delimiter, in name order.
    const entries: Array<{ key: string; prefix?: string; name?: string }> = [];
    const seenPrefixes = new Set<string>();
    for (const name of this.names(bucket, prefix)) {
      const cut = delimiter ? name.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const common = name.slice(0, cut + delimiter!.length);
        if (!seenPrefixes.has(common)) entries.push({ key: common, prefix: common });
        seenPrefixes.add(common);
      } else entries.push({ key: name, name });
    }
    const remaining = after === undefined ? entries : entries.filter((entry) => entry.key > after);
    const page = remaining.slice(0, maxResults);
    const items = page.flatMap((entry) => (entry.name === undefined ? [] : [this.resource(bucket, entry.name, this.objects.get(`${bucket}/${entry.name}`)!)]));
    const prefixes = page.flatMap((entry) => entry.prefix ?? []);
    return {
      kind: 'storage#objects',
      ...(remaining.length > page.length ? { nextPageToken: Buffer.from(page.at(-1)!.key).toString('base64url') } : {}),
      ...(prefixes.length ? { prefixes } : {}),
      ...(items.length ? { items } : {}),
    };
  }

  private upload(request: http.IncomingMessage, bucket: string, query: Record<string, string>, body: Buffer, response: http.ServerResponse): void {
    const method = request.method ?? 'POST';
    if (method === 'PUT' && query.upload_id) return this.resumeUpload(request, query.upload_id, body, response);
    if (method !== 'POST') return sendError(response, 405, `Method not allowed: ${method}`);
    if (query.uploadType === 'media') {
      if (!query.name) return sendError(response, 400, 'Required parameter: name', 'required');
      return this.store(response, bucket, query.name, body, String(request.headers['content-type'] ?? 'application/octet-stream'), undefined, query);
    }
    if (query.uploadType === 'multipart') {
      const parts = parseMultipartRelated(String(request.headers['content-type'] ?? ''), body);
      if (!parts || parts.length !== 2) return sendError(response, 400, 'Multipart upload: expected metadata and media parts', 'invalid');
      const resource = JSON.parse(parts[0].body.toString('utf8')) as { name?: string; contentType?: string; metadata?: Record<string, string> };
      const name = query.name ?? resource.name;
      if (!name) return sendError(response, 400, 'Required parameter: name', 'required');
      const contentType = resource.contentType ?? parts[1].contentType ?? 'application/octet-stream';
      return this.store(response, bucket, name, parts[1].body, contentType, resource.metadata, query);
    }
    if (query.uploadType === 'resumable') {
      const resource = (body.length ? JSON.parse(body.toString('utf8')) : {}) as { name?: string; contentType?: string; metadata?: Record<string, string> };
      const name = query.name ?? resource.name;
      if (!name) return sendError(response, 400, 'Required parameter: name', 'required');
      if (!preconditionsHold(query, this.objects.get(`${bucket}/${name}`))) return sendError(response, 412, PRECONDITION_FAILED);
      const id = randomUUID();
      const contentType = resource.contentType ?? String(request.headers['x-upload-content-type'] ?? 'application/octet-stream');
      this.uploads.set(id, { bucket, name, contentType, metadata: resource.metadata, query, chunks: [], received: 0 });
      response.writeHead(200, { location: `${this.endpoint}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&upload_id=${id}`, 'content-length': 0 });
      return void response.end();
    }
    sendError(response, 400, `Invalid uploadType: ${query.uploadType}`, 'invalid');
  }

  /**
   * One `PUT` of a resumable session: `Content-Range: bytes a-b/total`, `bytes a-*\/*` (the rest of a streamed
   * object, its end not known in advance), or `bytes *\/total` (finish, or ask how far it got).
   */
  private resumeUpload(request: http.IncomingMessage, id: string, body: Buffer, response: http.ServerResponse): void {
    const session = this.uploads.get(id);
    if (!session) return sendError(response, 404, 'No such upload session');
    if (session.done) return sendJson(response, 200, session.done);
    const range = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(String(request.headers['content-range'] ?? `bytes */${body.length}`));
    if (!range) return sendError(response, 400, `Invalid Content-Range: ${String(request.headers['content-range'])}`, 'invalid');
    if (range[1] !== undefined) {
      if (Number(range[1]) !== session.received) return sendError(response, 400, `Expected the chunk at byte ${session.received}`, 'invalid');
      session.chunks.push(body);
      session.received += body.length;
    }
    // `a-*` is the rest of the object in one request (no chunkSize): its end finishes the upload.
    const total = range[3] !== '*' ? Number(range[3]) : range[2] === '*' ? session.received : undefined;
    if (total === undefined || session.received < total) {
      response.writeHead(308, session.received > 0 ? { range: `bytes=0-${session.received - 1}`, 'content-length': 0 } : { 'content-length': 0 });
      return void response.end();
    }
    const stored = this.write(session.bucket, session.name, Buffer.concat(session.chunks), session.contentType, session.metadata, session.query);
    if (!stored) return sendError(response, 412, PRECONDITION_FAILED);
    session.done = stored;
    sendJson(response, 200, stored);
  }

  private store(
    response: http.ServerResponse,
    bucket: string,
    name: string,
    bytes: Buffer,
    contentType: string,
    metadata: Record<string, string> | undefined,
    query: Record<string, string>,
  ): void {
    const stored = this.write(bucket, name, bytes, contentType, metadata, query);
    if (!stored) return sendError(response, 412, PRECONDITION_FAILED);
    sendJson(response, 200, stored);
  }

  /** The new object's resource, or undefined when a precondition does not hold (nothing is written). */
  private write(
    bucket: string,
    name: string,
    bytes: Buffer,
    contentType: string,
    metadata: Record<string, string> | undefined,
    query: Record<string, string>,
  ): Record<string, unknown> | undefined {
    if (!preconditionsHold(query, this.objects.get(`${bucket}/${name}`))) return undefined;
    const object = { bytes, contentType, metadata, generation: this.generation++, updated: new Date().toISOString() };
    this.objects.set(`${bucket}/${name}`, object);
    return this.resource(bucket, name, object);
  }

  private resource(bucket: string, name: string, object: StoredObject): Record<string, unknown> {
    const encoded = encodeURIComponent(name);
    return {
      kind: 'storage#object',
      id: `${bucket}/${name}/${object.generation}`,
      selfLink: `${this.endpoint}/storage/v1/b/${bucket}/o/${encoded}`,
      mediaLink: `${this.endpoint}/download/storage/v1/b/${bucket}/o/${encoded}?generation=${object.generation}&alt=media`,
      bucket,
      name,
      generation: String(object.generation),
      metageneration: '1',
      contentType: object.contentType,
      storageClass: 'STANDARD',
      size: String(object.bytes.length),
      md5Hash: md5(object.bytes),
      crc32c: crc32c(object.bytes),
      etag: `CK${object.generation}EAE=`,
      timeCreated: object.updated,
      updated: object.updated,
      ...(object.metadata ? { metadata: object.metadata } : {}),
    };
  }
}

const PRECONDITION_FAILED = 'At least one of the pre-conditions you specified did not hold.';

/** `ifGenerationMatch=0` holds only when the object does not exist; any other number must be its live generation. */
function preconditionsHold(query: Record<string, string>, object: { generation: number } | undefined): boolean {
  const live = object ? String(object.generation) : '0';
  if (query.ifGenerationMatch !== undefined && query.ifGenerationMatch !== live) return false;
  if (query.ifGenerationNotMatch !== undefined && query.ifGenerationNotMatch === live) return false;
  return true;
}

function md5(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('base64');
}

function crc32c(bytes: Buffer): string {
  const hash = new CRC32C();
  hash.update(bytes);
  return hash.toString();
}

function sendJson(response: http.ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(JSON.stringify(body));
}

function sendError(response: http.ServerResponse, code: number, message: string, reason = REASONS[code] ?? 'backendError'): void {
  const error = { domain: 'global', reason, message, ...(code === 412 ? { locationType: 'header', location: 'If-Match' } : {}) };
  sendJson(response, code, { error: { code, message, errors: [error] } });
}

const REASONS: Record<number, string> = { 404: 'notFound', 403: 'forbidden', 412: 'conditionNotMet', 405: 'methodNotAllowed', 400: 'invalid' };
