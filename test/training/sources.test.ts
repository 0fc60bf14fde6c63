import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { initBackend, type Tf } from '../../src/models/tfBackend';
import { readAutoMlCsv } from '../../src/training/dataset/readAutoMlCsv';
import { SourceRefusedError } from '../../src/training/dataset/types';
import { NO_REMOTE_SOURCES, parseRemoteSources } from '../../src/training/sources/remoteSources';
import { SourceReader } from '../../src/training/sources/SourceReader';
import { trainClassifier } from '../../src/training/trainClassifier';
import { FakeGcs } from '../fakes/gcs/FakeGcs';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { colourImage, COLOURS, temporaryDir } from './support/images';

/** Training data from local files, Cloud Storage (the real client against a wire fake) and http(s) URLs. */
describe('image sources: local rows by default, remote only where TRAINING_REMOTE_SOURCES allows', () => {
  let gcs: FakeGcs;
  let web: http.Server;
  let port: number;
  const webRequests: string[] = [];
  const served = new Map<string, Buffer>();
  const root = temporaryDir('sources-');
  let silentSockets = 0;

  beforeAll(async () => {
    gcs = await FakeGcs.start();
    let flakyCalls = 0;
    web = http.createServer((request, response) => {
      webRequests.push(request.url ?? '');
      if (request.url === '/silent.jpg') return void silentSockets++;
      if (request.url === '/flaky.jpg' && flakyCalls++ === 0) return void response.writeHead(503).end('try again');
      const body = served.get(request.url === '/flaky.jpg' ? '/red.jpg' : (request.url ?? ''));
      if (!body) return void response.writeHead(404).end('not found');
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    port = (web.address() as AddressInfo).port;
  });
  beforeEach(() => (webRequests.length = 0));
  afterAll(async () => {
    await gcs?.close();
    web?.closeAllConnections();
    await new Promise((resolve) => web?.close(resolve));
  });

  /** The loopback listener stands in for a public host (tests reach nothing else): `public.example` resolves to it and is let through. */
  const asIfPublic = { resolve: async () => [{ address: '127.0.0.1', family: 4 }], allowAddress: (address: string) => address === '127.0.0.1' };

  it('reads gs:// objects of a listed bucket with @google-cloud/storage (streamed, capped); other buckets are refused unasked', async () => {
    const bytes = await colourImage('red', 1);
    gcs.put('photos', 'dir/red 1.jpg', bytes);
    gcs.put('private', 'secret.jpg', bytes);
    const reader = new SourceReader({ gcsApiEndpoint: gcs.endpoint, gcsProjectId: 'test', remote: parseRemoteSources('gs://photos') });
    gcs.failNext(503);
    expect((await reader.read('gs://photos/dir/red 1.jpg')).equals(bytes)).toBe(true);
    const media = gcs.requests.filter((r) => r.query.alt === 'media');
    expect(media.map((r) => r.path)).toEqual(['/storage/v1/b/photos/o/dir%2Fred%201.jpg', '/storage/v1/b/photos/o/dir%2Fred%201.jpg']);
    await expect(reader.read('gs://photos/missing.jpg')).rejects.toThrow('gs://photos/missing.jpg: no such object');
    const before = gcs.requests.length;
    await expect(reader.read('gs://private/secret.jpg')).rejects.toThrow(/not allowed by TRAINING_REMOTE_SOURCES/);
    await expect(new SourceReader({ gcsApiEndpoint: gcs.endpoint, gcsProjectId: 'test' }).read('gs://photos/dir/red 1.jpg')).rejects.toThrow(/not allowed/);
    expect(gcs.requests.length).toBe(before);
    const capped = new SourceReader({ gcsApiEndpoint: gcs.endpoint, gcsProjectId: 'test', remote: parseRemoteSources('gs://photos'), maxBytes: 10 });
    await expect(capped.read('gs://photos/dir/red 1.jpg')).rejects.toThrow(/larger than 10 bytes/);
  });

  it('never fetches from loopback, even when TRAINING_REMOTE_SOURCES lists 127.0.0.1 or localhost', async () => {
    const listed = parseRemoteSources(`http://127.0.0.1:${port}, http://localhost:${port}, 127.0.0.1:${port}`);
    for (const remote of [undefined, NO_REMOTE_SOURCES, listed]) {
      const reader = new SourceReader({ remote });
      for (const url of [`http://127.0.0.1:${port}/internal/admin.png`, `http://localhost:${port}/internal/admin.png`, `https://127.0.0.1:${port}/internal/admin.png`]) {
        await expect(reader.read(url)).rejects.toThrow();
      }
    }
    expect(webRequests).toEqual([]);
  });

  it('a CSV row naming a remote source is refused before anything is fetched, unless its host is listed', async () => {
    const csv = path.join(root, 'remote.csv');
    fs.mkdirSync(path.join(root, 'local'), { recursive: true });
    fs.writeFileSync(path.join(root, 'local', 'a.jpg'), await colourImage('red', 2));
    fs.writeFileSync(csv, `TRAIN,local/a.jpg,red\nTRAIN,http://127.0.0.1:${port}/internal/admin.png,x\n`);
    const refusal = await readAutoMlCsv(csv, { localRoot: root }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SourceRefusedError);
    expect(refusal).toMatchObject({ safeMessage: 'line 2 of the CSV names a remote source that TRAINING_REMOTE_SOURCES does not allow' });
    await expect(readAutoMlCsv(csv, { localRoot: root, remote: parseRemoteSources('images.example.com,gs://photos') })).rejects.toThrow(SourceRefusedError);
    // Listed, it is read as a row; the address is checked when it is fetched (see above).
    const listed = await readAutoMlCsv(csv, { localRoot: root, remote: parseRemoteSources(`http://127.0.0.1:${port}`) });
    expect(listed.items.map((item) => item.source)).toContain(`http://127.0.0.1:${port}/internal/admin.png`);
    expect(webRequests).toEqual([]);
  });

  it('fetches an allowed public host with retries on 503, and gives up at the deadline on one that never answers', async () => {
    const bytes = await colourImage('red', 1);
    served.set('/red.jpg', bytes);
    const reader = new SourceReader({ remote: parseRemoteSources(`http://public.example:${port}`), timeoutMs: 300, ...asIfPublic });
    expect((await reader.read(`http://public.example:${port}/red.jpg`)).equals(bytes)).toBe(true);
    expect((await reader.read(`http://public.example:${port}/flaky.jpg`)).equals(bytes)).toBe(true);
    await expect(reader.read(`http://public.example:${port}/gone.jpg`)).rejects.toThrow(/HTTP 404/);
    const started = Date.now();
    await expect(reader.read(`http://public.example:${port}/silent.jpg`)).rejects.toThrow(/no complete answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(silentSockets).toBe(1); // a timeout is not retried: the slot is not held three times over
    // After three timeouts the host's further rows are skipped at once.
    await expect(reader.read(`http://public.example:${port}/silent.jpg`)).rejects.toThrow(/no complete answer/);
    await expect(reader.read(`http://public.example:${port}/silent.jpg`)).rejects.toThrow(/no complete answer/);
    const skippedAt = Date.now();
    await expect(reader.read(`http://public.example:${port}/red.jpg`)).rejects.toThrow(/skipped, public\.example:\d+ did not answer in time 3 times/);
    expect(Date.now() - skippedAt).toBeLessThan(100);
    expect(silentSockets).toBe(3);
    const capped = new SourceReader({ remote: parseRemoteSources(`http://public.example:${port}`), maxBytes: 10, ...asIfPublic });
    await expect(capped.read(`http://public.example:${port}/red.jpg`)).rejects.toThrow(/larger than 10 bytes/);
    // https is the default scheme of a listed host: plain http needs `http://` in the list.
    await expect(new SourceReader({ remote: parseRemoteSources(`public.example:${port}`), ...asIfPublic }).read(`http://public.example:${port}/red.jpg`)).rejects.toThrow(
      /not allowed/,
    );
  });

  it('trains from a CSV mixing local paths and gs:// objects; rows aimed at loopback are listed as failures, never fetched', async () => {
    const lines: string[] = [];
    fs.mkdirSync(path.join(root, 'local'), { recursive: true });
    let seed = 100;
    for (const colour of COLOURS) {
      for (let i = 0; i < 8; i++) {
        const bytes = await colourImage(colour, seed++);
        const split = i < 6 ? 'TRAIN' : 'TEST';
        if (i % 2 === 0) {
          gcs.put('training', `${colour}/${i}.jpg`, bytes);
          lines.push(`${split},gs://training/${colour}/${i}.jpg,${colour}`);
        } else {
          fs.writeFileSync(path.join(root, 'local', `${colour}-${i}.jpg`), bytes);
          lines.push(`${split},local/${colour}-${i}.jpg,${colour}`);
        }
      }
    }
    lines.push('TRAIN,gs://training/nowhere.jpg,red', `TRAIN,http://127.0.0.1:${port}/internal/admin.png,red`);
    fs.writeFileSync(path.join(root, 'data.csv'), lines.join('\n'));
    const { tf } = (await initBackend()) as { tf: Tf };
    const result = await trainClassifier(tf, {
      data: { kind: 'csv', file: path.join(root, 'data.csv') },
      out: path.join(root, 'model'),
      backbone: { kind: 'folder', dir: await writeTinyBackbone(tf, path.join(root, 'tiny')) },
      epochs: 30,
      batchSize: 8,
      learningRate: 0.01,
      seed: 5,
      gcsApiEndpoint: gcs.endpoint,
      dataRoot: root,
      remoteSources: parseRemoteSources(`gs://training, http://127.0.0.1:${port}`),
    });
    expect(result.images).toEqual({ train: 18, validation: 0, test: 6 });
    expect(result.failures).toEqual([
      { source: 'gs://training/nowhere.jpg', message: 'gs://training/nowhere.jpg: no such object' },
      { source: `http://127.0.0.1:${port}/internal/admin.png`, message: expect.stringMatching(/not a public address/) },
    ]);
    expect(webRequests).toEqual([]);
    expect(result.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
  });
});

describe('TRAINING_REMOTE_SOURCES syntax', () => {
  it('parses hosts, https and http hosts with ports, and buckets; refuses wildcards, paths and credentials', () => {
    expect(parseRemoteSources(' images.example.com, https://cdn.example.com:8443 ,http://legacy.example.com,gs://my-bucket, https://a.example.com:443')).toEqual({
      https: ['images.example.com', 'cdn.example.com:8443', 'a.example.com'],
      http: ['legacy.example.com'],
      buckets: ['my-bucket'],
    });
    expect(parseRemoteSources(undefined)).toEqual(NO_REMOTE_SOURCES);
    for (const bad of ['*.example.com', 'https://example.com/images', 'https://user:pw@example.com', 'ftp://example.com', 'gs://', 'gs://Bad_Bucket!']) {
      expect(() => parseRemoteSources(bad)).toThrow(/is not a (host|bucket)/);
    }
  });
});
