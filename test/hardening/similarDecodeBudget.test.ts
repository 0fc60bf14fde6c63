import path from 'node:path';
import sharp from 'sharp';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { decodeGateFor } from '../../src/models/decodeGate';
import { initBackend } from '../../src/models/tfBackend';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { temporaryDir, writeColourFolders } from '../training/support/images';

/**
 * Issue 16: similarImages decoded outside the decode gate (16 aliased calls with 6300 x 6300 PNGs held a
 * metadata query for 1.5 s). Now every decode of the gateway waits for the gate, and the gate's queue is
 * bounded: past DECODE_QUEUE_LIMIT a request gets 503 OVERLOADED at once.
 */

const SIMILAR = `query($file: Upload!) { similarImages(file: $file, first: 2) { label score } }`;
const DECODE = { concurrency: 2, pixelBudget: 80_000_000, queueLimit: 4 };

describe('similarImages and the decode gate', () => {
  const root = temporaryDir('similar-budget-');
  let gw: RunningGateway;
  let png: Buffer;
  const ask = (bytes: Buffer, filename = 'query.png') => postMultipart(gw.url, SIMILAR, [{ filename, bytes, type: 'image/png' }], { variable: 'file', single: true });

  beforeAll(async () => {
    const images = path.join(root, 'images');
    await writeColourFolders(images, 2);
    const tiny = await writeTinyBackbone((await initBackend()).tf, path.join(root, 'tiny'));
    const file = path.join(root, 'embeddings.parquet');
    await embedFolder({ images, out: file, backbone: { kind: 'folder', dir: tiny }, threads: 1, batchSize: 8, maxImagePixels: 1e8, seed: 1 });
    png = await sharp({ create: { width: 1500, height: 1500, channels: 3, background: '#ff0000' } })
      .png({ palette: true, colours: 2 })
      .toBuffer();
    gw = await startGateway({
      EMBEDDINGS: file,
      INFERENCE_WORKERS: '1',
      MODELS_DIR: path.join(root, 'no-models'),
      MAX_UPLOAD_FILES: '4',
      DECODE_QUEUE_LIMIT: String(DECODE.queueLimit),
    });
    await gw.gateway.services.embeddings!.ready;
  }, 120_000);
  afterAll(() => gw?.close());

  it('queues its decodes behind the gate, and refuses with OVERLOADED once DECODE_QUEUE_LIMIT images wait', async () => {
    const gate = decodeGateFor({ decode: DECODE });
    gate.peakRunning = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = [gate.run(1, () => held), gate.run(1, () => held)];

    let answeredWhileHeld = 0;
    let released = false;
    const queued = Array.from({ length: DECODE.queueLimit }, () =>
      ask(png).then((answer) => {
        if (!released) answeredWhileHeld++;
        return answer;
      }),
    );
    await until(() => gate.queued === DECODE.queueLimit);

    const refused = await ask(png);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBeTruthy();
    expect(refused.body.errors[0].extensions.code).toBe('OVERLOADED');
    const metadata = await gw.graphql('{ classes(first: 2) { totalCount } }');
    expect(metadata.body.errors).toBeUndefined();
    expect(answeredWhileHeld).toBe(0);

    released = true;
    release();
    await Promise.all(holders);
    for (const { status, body } of await Promise.all(queued)) {
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.similarImages).toHaveLength(2);
    }
    expect(gate.peakRunning).toBeLessThanOrEqual(2);
  }, 60_000);

  it('refuses an SVG (with an XXE entity) as UNSUPPORTED_IMAGE without a parser message', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">&xxe;</svg>',
    );
    const { body } = await ask(svg, 'query.jpg');
    expect(body.errors[0].extensions.code).toBe('UNSUPPORTED_IMAGE');
    expect(body.errors[0].message).toMatch(/JPEG, PNG, WebP or GIF/);
    expect(JSON.stringify(body)).not.toMatch(/glib|xml parse|entity|rsvg/i);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
