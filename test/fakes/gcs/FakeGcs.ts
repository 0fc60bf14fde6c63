import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Cloud Storage JSON API endpoint for object reads, as `@google-cloud/storage` speaks it
 * with `apiEndpoint` pointed here: `GET /storage/v1/b/<bucket>/o/<object>` for the object resource
 * and with `?alt=media` for its bytes (also under `/download/...`), an `x-goog-hash` header the client
 * validates, and the JSON API's error body. `failNext` queues error statuses to exercise retries.
 */
export class FakeGcs {
  readonly requests: Array<{ method: string; path: string; query: Record<string, string> }> = [];
  private readonly objects = new Map<string, { bytes: Buffer; contentType: string; generation: number }>();
  private readonly failures: number[] = [];
  private generation = 1;

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<FakeGcs> {
    const handler: { fake?: FakeGcs } = {};
    const server = http.createServer((request, response) => handler.fake!.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handler.fake = new FakeGcs(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return handler.fake;
  }

  put(bucket: string, name: string, bytes: Buffer, contentType = 'image/jpeg'): void {
    this.objects.set(`${bucket}/${name}`, { bytes, contentType, generation: this.generation++ });
  }

  /** The next requests answer these HTTP statuses (e.g. 503), one each, before serving normally. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', this.endpoint);
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: request.method ?? 'GET', path: url.pathname, query });
    const failure = this.failures.shift();
    if (failure) return sendError(response, failure, 'Injected failure');
    const match = /^(?:\/download)?\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
    if (request.method !== 'GET' || !match) return sendError(response, 404, `Not Found: ${request.method} ${url.pathname}`);
    const bucket = decodeURIComponent(match[1]);
    const name = decodeURIComponent(match[2]);
    const object = this.objects.get(`${bucket}/${name}`);
    if (!object) return sendError(response, 404, `No such object: ${bucket}/${name}`);
    const md5 = createHash('md5').update(object.bytes).digest('base64');
    if (query.alt === 'media') {
      response.writeHead(200, {
        'content-type': object.contentType,
        'content-length': object.bytes.length,
        'x-goog-hash': `md5=${md5}`,
        'x-goog-generation': String(object.generation),
        'x-goog-stored-content-length': String(object.bytes.length),
      });
      return void response.end(object.bytes);
    }
    const resource = {
      kind: 'storage#object',
      id: `${bucket}/${name}/${object.generation}`,
      bucket,
      name,
      generation: String(object.generation),
      size: String(object.bytes.length),
      contentType: object.contentType,
      md5Hash: md5,
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(resource));
  }
}

function sendError(response: http.ServerResponse, code: number, message: string): void {
  const reason = code === 404 ? 'notFound' : code === 403 ? 'forbidden' : 'backendError';
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { code, message, errors: [{ domain: 'global', reason, message }] } }));
}
