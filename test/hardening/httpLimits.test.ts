import net from 'node:net';
import { multipartBody, MULTIPART_TYPE, PREFLIGHT } from '../conformance/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';

/**
 * Connections, bodies and origins (issue 10, cases 4, 5, 8 and the slow-client hold): every limit at
 * a small size so that the suite stays quick; the figures at full size are in `npm run bench:hardening`.
 */

const QUERY = 'query Probe { relationTypes { name } }';

/** A raw HTTP/1.1 request over one socket, sent in pieces; resolves what the server sent and when it closed. */
function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closedPromise = new Promise<void>((resolve) => socket.once('close', () => ((closed = true), resolve())));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    connected,
    write: (data: string | Buffer) => new Promise<void>((resolve) => socket.write(data, () => resolve())),
    closed: closedPromise,
    isClosed: () => closed,
    received: () => received,
    destroy: () => socket.destroy(),
  };
}

function multipartRequest(bytes: number) {
  const operations = JSON.stringify({ query: 'mutation($files: [Upload!]!) { classify(files: $files) { filename } }', variables: { files: [null] } });
  const body = multipartBody([
    { name: 'operations', value: operations },
    { name: 'map', value: JSON.stringify({ f0: ['variables.files.0'] }) },
    { name: 'f0', value: Buffer.alloc(bytes, 7), filename: 'big.png', contentType: 'image/png' },
  ]);
  return body;
}

function head(url: string, headers: Record<string, string>): string {
  const { host, pathname } = new URL(url);
  return `POST ${pathname} HTTP/1.1\r\nhost: ${host}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

const withTimeout = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref())]);

describe('uploads, bodies and slow clients', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({
      MAX_UPLOAD_BYTES: String(200 * 1024),
      UPLOAD_MEMORY_BUDGET_BYTES: String(300 * 1024),
      BODY_IDLE_TIMEOUT_MS: '500',
      HEADERS_TIMEOUT_MS: '500',
      REQUEST_TIMEOUT_MS: '5000',
      RETRY_AFTER_SECONDS: '7',
    });
  });
  afterAll(() => gw?.close());

  test('case 4: a body that does not fit the upload budget is refused at once with 503 OVERLOADED; a stalled body is closed and its share returns', async () => {
    const body = multipartRequest(150 * 1024);
    const stalled = rawConnection(gw.url);
    await stalled.connected;
    await stalled.write(head(gw.url, { 'content-type': MULTIPART_TYPE, 'content-length': String(body.length), ...PREFLIGHT }));
    await stalled.write(body.subarray(0, 100 * 1024)); // then nothing more
    await new Promise((r) => setTimeout(r, 100));

    // 150 KB held by the stalled request + 150 KB > 300 KB budget... minus nothing: this one does not fit.
    const second = await fetch(gw.url, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE, ...PREFLIGHT }, body: new Uint8Array(multipartRequest(200 * 1024)) });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('7');
    expect(((await second.json()) as any).errors[0].extensions.code).toBe('OVERLOADED');

    // The stalled body is closed after BODY_IDLE_TIMEOUT_MS (500 ms) with 408, not after minutes.
    expect(await withTimeout(stalled.closed, 10_000)).not.toBe('timeout');
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408/);

    // Its share is back: the same request now gets past the budget (to the model check).
    const third = await fetch(gw.url, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE, ...PREFLIGHT }, body: new Uint8Array(multipartRequest(200 * 1024)) });
    expect(third.status).not.toBe(503);
    await third.text();
  });

  test('case 4: a multipart body must declare its length and fit the upload limits', async () => {
    const chunked = rawConnection(gw.url);
    await chunked.connected;
    await chunked.write(head(gw.url, { 'content-type': MULTIPART_TYPE, 'transfer-encoding': 'chunked', ...PREFLIGHT }));
    await withTimeout(new Promise((r) => setTimeout(r, 300)), 1000);
    expect(chunked.received()).toMatch(/^HTTP\/1\.1 411/);
    chunked.destroy();

    const huge = rawConnection(gw.url);
    await huge.connected;
    await huge.write(head(gw.url, { 'content-type': MULTIPART_TYPE, 'content-length': String(1024 ** 3), ...PREFLIGHT }));
    await withTimeout(new Promise((r) => setTimeout(r, 300)), 1000);
    expect(huge.received()).toMatch(/^HTTP\/1\.1 413/);
    huge.destroy();
  });

  test('slow clients: 50 connections trickling headers and 10 trickling bodies are closed within the timeouts; queries keep answering', async () => {
    const heads = Array.from({ length: 50 }, () => rawConnection(gw.url));
    const bodies = Array.from({ length: 10 }, () => rawConnection(gw.url));
    await Promise.all([...heads, ...bodies].map((c) => c.connected));
    const json = JSON.stringify({ query: QUERY });
    for (const c of bodies) await c.write(head(gw.url, { 'content-type': 'application/json', 'content-length': String(json.length + 100) }) + json.slice(0, 10));
    let trickling = true;
    const trickle = (async () => {
      // One byte per connection every 200 ms: slower than any timeout allows a request to complete.
      for (let i = 0; trickling && i < 100; i++) {
        for (const c of heads) if (!c.isClosed()) void c.write(i === 0 ? 'POST /graphql HTTP/1.1\r\n' : 'x');
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await gw.graphql(QUERY));
    const allClosed = await withTimeout(Promise.all([...heads, ...bodies].map((c) => c.closed)), 15_000);
    trickling = false;
    await trickle;
    expect(allClosed).not.toBe('timeout');
    for (const answer of answers) expect(answer.body.data.relationTypes.length).toBeGreaterThan(0);
    expect(bodies[0].received()).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});

describe('the GraphQL endpoint and origins', () => {
  let closed: RunningGateway;
  let open: RunningGateway;
  beforeAll(async () => {
    closed = await startGateway({});
    open = await startGateway({ CORS_ORIGINS: 'https://app.example.com' });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  test('case 5: GraphQL is served at exactly /graphql; other paths are 404 and run nothing', async () => {
    for (const method of ['POST', 'OPTIONS']) {
      const response = await fetch(`${closed.url}/anything`, {
        method,
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
        body: method === 'POST' ? JSON.stringify({ query: QUERY }) : undefined,
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const text = await response.text();
      expect(text).not.toContain('relationTypes');
    }
  });

  test('case 5: no cross-origin access by default: preflights and requests from other origins are refused', async () => {
    const preflight = await fetch(closed.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(closed.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(post.status).toBe(403);
    expect(((await post.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN_ORIGIN');
    // The gateway's own pages (the playground) and clients that send no Origin still work.
    const own = await fetch(closed.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(closed.url).origin },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(own.status).toBe(200);
    expect((await closed.graphql(QUERY)).status).toBe(200);
  });

  test('case 5: CORS_ORIGINS allows exactly its origins, never *', async () => {
    const preflight = await fetch(open.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, apollo-require-preflight' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('apollo-require-preflight');
    const post = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(open.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://app.example.com.evil.example' },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(other.status).toBe(403);
  });
});
