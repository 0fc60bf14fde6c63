import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { initBackend, type Tf } from '../../src/models/tfBackend';
import { SourceReader } from '../../src/training/sources/SourceReader';
import { trainClassifier } from '../../src/training/trainClassifier';
import { FakeGcs } from '../fakes/gcs/FakeGcs';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { colourImage, COLOURS, temporaryDir } from './support/images';

/** Training data from Cloud Storage (the real client against a wire fake) and from HTTP URLs. */
describe('image sources: local, gs:// and http(s)://', () => {
  let gcs: FakeGcs;
  let web: http.Server;
  let webBase: string;
  const served = new Map<string, Buffer>();
  const root = temporaryDir('sources-');

  beforeAll(async () => {
    gcs = await FakeGcs.start();
    let flakyCalls = 0;
    web = http.createServer((request, response) => {
      if (request.url === '/flaky.jpg' && flakyCalls++ === 0) return void response.writeHead(503).end('try again');
      const body = served.get(request.url === '/flaky.jpg' ? '/red.jpg' : (request.url ?? ''));
      if (!body) return void response.writeHead(404).end('not found');
      response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': body.length }).end(body);
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webBase = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await gcs?.close();
    web?.closeAllConnections();
    await new Promise((resolve) => web?.close(resolve));
  });

  it('downloads gs:// objects with @google-cloud/storage and http URLs with fetch, retrying a 503', async () => {
    const bytes = await colourImage('red', 1);
    gcs.put('photos', 'dir/red 1.jpg', bytes);
    served.set('/red.jpg', bytes);
    const reader = new SourceReader({ gcsApiEndpoint: gcs.endpoint, gcsProjectId: 'test' });
    gcs.failNext(503);
    expect((await reader.read('gs://photos/dir/red 1.jpg')).equals(bytes)).toBe(true);
    const media = gcs.requests.filter((r) => r.query.alt === 'media');
    expect(media.map((r) => r.path)).toEqual(['/storage/v1/b/photos/o/dir%2Fred%201.jpg', '/storage/v1/b/photos/o/dir%2Fred%201.jpg']);
    await expect(reader.read('gs://photos/missing.jpg')).rejects.toThrow('gs://photos/missing.jpg: no such object');
    expect((await reader.read(`${webBase}/red.jpg`)).equals(bytes)).toBe(true);
    expect((await reader.read(`${webBase}/flaky.jpg`)).equals(bytes)).toBe(true); // a 503, then served
    await expect(reader.read(`${webBase}/gone.jpg`)).rejects.toThrow(/HTTP 404/);
    await expect(new SourceReader({ maxBytes: 10 }).read(`${webBase}/red.jpg`)).rejects.toThrow(/larger than 10 bytes/);
  });

  it('trains from an AutoML CSV mixing local paths, gs:// objects and URLs; unreadable rows are listed, not fatal', async () => {
    const lines: string[] = [];
    fs.mkdirSync(path.join(root, 'local'), { recursive: true });
    let seed = 100;
    for (const colour of COLOURS) {
      for (let i = 0; i < 8; i++) {
        const bytes = await colourImage(colour, seed++);
        const split = i < 6 ? 'TRAIN' : 'TEST';
        if (i % 3 === 0) {
          gcs.put('training', `${colour}/${i}.jpg`, bytes);
          lines.push(`${split},gs://training/${colour}/${i}.jpg,${colour}`);
        } else if (i % 3 === 1) {
          served.set(`/${colour}/${i}.jpg`, bytes);
          lines.push(`${split},${webBase}/${colour}/${i}.jpg,${colour}`);
        } else {
          fs.writeFileSync(path.join(root, 'local', `${colour}-${i}.jpg`), bytes);
          lines.push(`${split},local/${colour}-${i}.jpg,${colour}`);
        }
      }
    }
    lines.push('TRAIN,gs://training/nowhere.jpg,red', `TRAIN,${webBase}/nowhere.jpg,red`);
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
    });
    expect(result.images).toEqual({ train: 18, validation: 0, test: 6 });
    expect(result.failures).toEqual([
      { source: 'gs://training/nowhere.jpg', message: 'gs://training/nowhere.jpg: no such object' },
      { source: `${webBase}/nowhere.jpg`, message: `${webBase}/nowhere.jpg: HTTP 404` },
    ]);
    expect(result.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
  });
});
