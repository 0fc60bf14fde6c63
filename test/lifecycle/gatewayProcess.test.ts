import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { hashApiKey } from '../../src/auth/ApiKeys';
import net from 'node:net';
import { CLASSIFY, MULTIPART_TYPE, multipartBody, PREFLIGHT } from '../conformance/multipart';
import { ensureBuilt, startServerProcess, type ServerProcess } from './serverProcess';

/** The real process (`node dist/src/main.js`): health endpoints, request logs, and a graceful SIGTERM. */

let server: ServerProcess;
const SECRET_TOKEN = 'sekret-token-5f3a9c';
const keysDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifecycle-keys-'));

beforeAll(async () => {
  ensureBuilt();
  // The secret is a real API key, so the requests that carry it are served (and must still never be logged).
  fs.writeFileSync(path.join(keysDir, 'keys.json'), JSON.stringify([{ name: 'log-probe', sha256: hashApiKey(SECRET_TOKEN), scopes: ['read', 'classify'] }]));
  server = await startServerProcess({ API_KEYS_FILE: path.join(keysDir, 'keys.json') });
});
afterAll(async () => {
  await server?.stop();
  fs.rmSync(keysDir, { recursive: true, force: true });
});

const IMAGE_MARKER = 'IMAGE-BYTES-MARKER-7d41e2';

async function graphql(query: string, operationName: string, headers: Record<string, string>) {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, operationName }) });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as any };
}

const requestLine = (requestId: string) => (line: Record<string, unknown>) => line.requestId === requestId && line.msg === 'graphql request';

describe('health', () => {
  it('answers /healthz and /readyz with 200', async () => {
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.origin}/readyz`);
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: expect.objectContaining({ status: 'ready' }) });
  });
});

describe('request logs', () => {
  it('writes one JSON line per request with operationName, durationMs, status and the caller’s request id', async () => {
    const requestId = 'lifecycle-log-1';
    const response = await graphql('query LogProbe { relationTypes { name } }', 'LogProbe', { 'x-request-id': requestId, authorization: `Bearer ${SECRET_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.requestId).toBe(requestId);
    const line = await server.waitForLog(requestLine(requestId));
    expect(line).toEqual(expect.objectContaining({ operationName: 'LogProbe', status: 'ok', durationMs: expect.any(Number), requestId }));
    expect(server.logs.filter(requestLine(requestId))).toHaveLength(1);
  });

  it('gives a request without a usable id a fresh one, in the response and the log', async () => {
    const response = await graphql('query NoId { relationTypes { name } }', 'NoId', { 'x-request-id': 'not a valid id; ' + 'x'.repeat(200) });
    expect(response.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await server.waitForLog(requestLine(response.requestId!));
  });

  it('keeps image bytes and credentials out of the logs', async () => {
    const requestId = 'lifecycle-upload-1';
    const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(IMAGE_MARKER.repeat(64))]);
    const operations = JSON.stringify({ query: CLASSIFY, operationName: 'Classify', variables: { files: [null] } });
    const body = multipartBody([
      { name: 'operations', value: operations },
      { name: 'map', value: JSON.stringify({ f0: ['variables.files.0'] }) },
      { name: 'f0', value: image, filename: 'secret-photo.jpg', contentType: 'image/jpeg' },
    ]);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': MULTIPART_TYPE, 'x-request-id': requestId, authorization: `Bearer ${SECRET_TOKEN}`, cookie: `session=${SECRET_TOKEN}`, ...PREFLIGHT },
      body: new Uint8Array(body),
    });
    await response.text();
    await server.waitForLog((line) => line.requestId === requestId && line.msg === 'graphql request');
    const everything = server.raw.join('\n');
    expect(everything).not.toContain(SECRET_TOKEN);
    expect(everything).not.toContain(IMAGE_MARKER);
    expect(everything).not.toContain(image.toString('base64').slice(8, 48));
    expect(everything).not.toContain(image.toString('hex').slice(8, 48));
  });

  it('logs the HTTP status actually sent, also for requests refused before GraphQL runs', async () => {
    const refused = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'lifecycle-badjson-1' }, body: '{"query": ' });
    expect(refused.status).toBe(400);
    await refused.text();
    const line = await server.waitForLog(requestLine('lifecycle-badjson-1'));
    expect(line).toEqual(expect.objectContaining({ httpStatus: 400 }));

    const overBudget = await new Promise<number>((resolve, reject) => {
      const request = http.request(server.url, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': MULTIPART_TYPE, 'content-length': String(2 * 1024 ** 3), 'x-request-id': 'lifecycle-toolarge-1', ...PREFLIGHT },
      });
      request.on('error', reject);
      request.on('response', (res) => {
        resolve(res.statusCode!);
        res.resume();
        request.destroy();
      });
      request.write(Buffer.alloc(10));
    });
    expect(overBudget).toBe(413);
    expect(await server.waitForLog(requestLine('lifecycle-toolarge-1'))).toEqual(expect.objectContaining({ httpStatus: 413 }));
  });

  it('writes nothing to stdout but JSON lines', () => {
    expect(server.logs.filter((line) => 'unparsable' in line)).toEqual([]);
    expect(server.raw.length).toBeGreaterThan(3);
  });
});

/** A multipart request whose `operations` part arrives in two pieces, the second only when asked. */
function slowMultipartRequest(url: string) {
  const operations = JSON.stringify({ query: 'query SlowUpload { relationTypes { name } }', operationName: 'SlowUpload' });
  const body = multipartBody([
    { name: 'operations', value: operations },
    { name: 'map', value: '{}' },
  ]);
  const cut = body.indexOf('relationTypes');
  const request = http.request(url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': MULTIPART_TYPE, 'content-length': String(body.length), 'x-request-id': 'lifecycle-slow-1', ...PREFLIGHT },
  });
  let settled = false;
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        settled = true;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
    });
  });
  const sent = new Promise<void>((resolve) => request.write(body.subarray(0, cut), () => resolve()));
  return { sent, response, settled: () => settled, finish: () => request.end(body.subarray(cut)) };
}

function connectionRefused(origin: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('SIGTERM', () => {
  it('finishes the request in flight, refuses new connections, and exits 0', async () => {
    const slow = slowMultipartRequest(server.url);
    await slow.sent;
    // The server has the request head and half its body: it is in flight.
    await new Promise((r) => setTimeout(r, 200));

    server.child.kill('SIGTERM');
    await server.waitForLog((line) => line.msg === 'stopping: draining in-flight requests', 30_000);

    let refused = false;
    for (let i = 0; i < 50 && !refused; i += 1) {
      refused = await connectionRefused(server.origin);
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
    expect(slow.settled()).toBe(false);
    expect(server.child.exitCode).toBeNull();

    slow.finish();
    const { status, body } = await slow.response;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.relationTypes.length).toBeGreaterThan(0);

    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.some((line) => line.msg === 'stopped')).toBe(true);
    expect(server.logs.filter(requestLine('lifecycle-slow-1'))).toHaveLength(1);
  });
});
