import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../src/models/decodeImage';
import { restrictImageLoaders, sniffImageFormat } from '../../src/models/imageFormat';
import { writeTinyModel } from '../models/support/tinyModel';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';

/** Issue 16: an upload's format is decided from its first bytes; SVG, TIFF, PDF, text never reach a parser. */

const XXE_SVG = Buffer.from(
  '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><text y="20">&xxe;</text></svg>',
);
const TEXT = Buffer.from('Dear diary, this is plainly not a photograph.\n');
const LIBRARY_TEXT = /glib|xml|entity|rsvg|vips|corrupt header|unsupported image format/i;
const image = (format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff') => {
  const red = sharp({ create: { width: 16, height: 16, channels: 3, background: '#ff0000' } });
  return red[format]().toBuffer();
};

describe('sniffImageFormat', () => {
  it('names JPEG, PNG, GIF and WebP by their magic bytes, and nothing else', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'gif'] as const) expect(sniffImageFormat(await image(format))).toBe(format);
    expect(sniffImageFormat(Buffer.from('GIF87a\x01\x00\x01\x00', 'latin1'))).toBe('gif');
    expect(sniffImageFormat(await image('tiff'))).toBeUndefined();
    expect(sniffImageFormat(XXE_SVG)).toBeUndefined();
    expect(sniffImageFormat(TEXT)).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('%PDF-1.7\n'))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageFormat(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('decodeImage refuses what is not an accepted image without a library message', () => {
  it.each([
    ['an SVG with an XXE entity', async () => XXE_SVG],
    ['a text file', async () => TEXT],
    ['a TIFF', () => image('tiff')],
    ['a PDF', async () => Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n')],
  ])('%s -> UNSUPPORTED_IMAGE naming the accepted formats', async (_, make) => {
    const decoded = await decodeImage(await make(), 8, 40_000_000);
    expect(decoded.error).toEqual({ code: 'UNSUPPORTED_IMAGE', message: 'the file is not an accepted image: send JPEG, PNG, WebP or GIF' });
  });

  it('a broken JPEG says "not a valid JPEG", not what libjpeg said', async () => {
    const jpeg = await image('jpeg');
    const broken = Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(200, 0x41)]);
    const decoded = await decodeImage(broken, 8, 40_000_000);
    expect(decoded.error).toEqual({ code: 'UNSUPPORTED_IMAGE', message: 'the file is not a valid JPEG image' });
  });

  it('a file whose first bytes say PNG but whose body is an SVG is still no SVG', async () => {
    const disguised = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), XXE_SVG]);
    const decoded = await decodeImage(disguised, 8, 40_000_000);
    expect(decoded.error?.message).toBe('the file is not a valid PNG image');
  });
});

describe('restrictImageLoaders (main.ts)', () => {
  it("leaves libvips only the accepted formats' buffer loaders", async () => {
    const tiff = await image('tiff');
    const undo = restrictImageLoaders();
    try {
      await expect(sharp(tiff).metadata()).rejects.toThrow();
      await expect(sharp(XXE_SVG).metadata()).rejects.toThrow();
      for (const format of ['jpeg', 'png', 'webp', 'gif'] as const) expect((await sharp(await image(format)).metadata()).format).toBe(format);
    } finally {
      undo();
    }
    expect((await sharp(tiff).metadata()).format).toBe('tiff');
  });
});

describe('uploads of other formats through the gateway', () => {
  let root: string;
  let gw: RunningGateway;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'image-format-'));
    const modelDir = await writeTinyModel(path.join(root, 'tiny'));
    // Vision would answer VISION_UNAVAILABLE: nothing listens there. A refused file must never get that far.
    gw = await startGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1', VISION_API_ENDPOINT: '127.0.0.1:9' });
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const files = () => [
    { filename: 'cat.jpg', bytes: XXE_SVG, type: 'image/jpeg' },
    { filename: 'notes.jpg', bytes: TEXT, type: 'image/jpeg' },
  ];

  it.each([
    ['classify', 'mutation($files: [Upload!]!) { classify(files: $files) { filename error { code message } } }'],
    ['labelDetection', 'mutation($files: [Upload!]!) { labelDetection(files: $files) { filename error { code message } } }'],
  ])('%s answers UNSUPPORTED_IMAGE per file, before any decoder or Cloud Vision', async (field, query) => {
    const { status, body } = await postMultipart(gw.url, query, files());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    for (const result of body.data[field]) {
      expect(result.error.code).toBe('UNSUPPORTED_IMAGE');
      expect(result.error.message).toMatch(/JPEG, PNG, WebP or GIF/);
      expect(result.error.message).not.toMatch(LIBRARY_TEXT);
    }
    expect(JSON.stringify(body)).not.toMatch(LIBRARY_TEXT);
  });
});
