import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../../src/config';
import { DecodeGate, decodeGateFor } from '../../src/models/decodeGate';
import { writeTinyModel } from '../models/support/tinyModel';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';

/**
 * Issue 10, case 7: decoding large images must not take every libuv thread (where DuckDB's queries run
 * too) nor hold every image's pixels at once. Timing figures (a metadata query under 1.5 s while 96
 * 6300 x 6300 PNGs are classified) are in `npm run bench:hardening`; here, the bound itself.
 */

describe('DecodeGate', () => {
  test('runs at most `concurrency` decodes and `pixelBudget` pixels at once, in arrival order; a larger image runs alone', async () => {
    const gate = new DecodeGate(2, 100);
    const running = new Set<number>();
    let pixels = 0;
    let peakPixels = 0;
    const order: number[] = [];
    let besideTheLargeOne = -1;
    const job = (id: number, size: number) =>
      gate.run(size, async () => {
        running.add(id);
        if (id === 5) besideTheLargeOne = running.size - 1;
        if (size <= 100) {
          pixels += size;
          peakPixels = Math.max(peakPixels, pixels);
        }
        order.push(id);
        await new Promise((r) => setTimeout(r, 5));
        running.delete(id);
        if (size <= 100) pixels -= size;
      });
    await Promise.all([job(1, 60), job(2, 60), job(3, 30), job(4, 30), job(5, 500), job(6, 10)]);
    expect(gate.peakRunning).toBe(2);
    expect(peakPixels).toBeLessThanOrEqual(100);
    expect(besideTheLargeOne).toBe(0);
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('classify with large images', () => {
  let root: string;
  let gw: RunningGateway;
  let png: Buffer;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-budget-'));
    const modelDir = await writeTinyModel(path.join(root, 'tiny'));
    // Tiny files, many pixels: 3000 x 3000, a few KB (the were 6300 x 6300, 4.9 KB).
    png = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#ff0000' } })
      .png({ palette: true, colours: 2, compressionLevel: 9 })
      .toBuffer();
    gw = await startGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1' });
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('decodes at most DECODE_CONCURRENCY images at once, and a metadata query answers before the classifications end', async () => {
    const gate = decodeGateFor(loadConfig({}));
    gate.peakRunning = 0;
    const query = 'mutation($files: [Upload!]!) { classify(files: $files, minConfidence: 0, maxResults: 1) { error { code } labels { name } } }';
    const files = Array.from({ length: 6 }, (_, i) => ({ filename: `big${i}.png`, bytes: png, type: 'image/png' }));
    // Both decode slots are held until the metadata query has answered, so the 12 decodes are queued behind
    // them however fast this machine decodes (a fast one used to finish them first and fail the order check).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [gate.run(1, () => held), gate.run(1, () => held)];
    let classifiedAt = 0;
    const classifications = Promise.all([postMultipart(gw.url, query, files), postMultipart(gw.url, query, files)]).then((results) => {
      classifiedAt = Date.now();
      return results;
    });
    await new Promise((r) => setTimeout(r, 300));
    const metadata = await gw.graphql('{ classes(first: 5) { totalCount edges { node { label imageCount } } } }');
    const metadataAt = Date.now();
    release();
    await Promise.all(holders);
    const results = await classifications;

    expect(metadata.body.errors).toBeUndefined();
    expect(metadata.body.data.classes.totalCount).toBeGreaterThan(0);
    for (const { status, body } of results) {
      expect(status).toBe(200);
      expect(body.data.classify.map((r: any) => r.labels[0]?.name)).toEqual(Array(6).fill('red'));
    }
    expect(gate.peakRunning).toBeGreaterThanOrEqual(1);
    expect(gate.peakRunning).toBeLessThanOrEqual(2);
    expect(metadataAt).toBeLessThan(classifiedAt);
  }, 120_000);
});
