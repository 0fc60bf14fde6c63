import fs from 'node:fs';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { ErrorCode } from '../../src/errors';
import { decodeImage } from '../../src/models/decodeImage';
import { solid } from './support/images';
import { sharedPhoto } from './support/sharedAssets';

const LIMIT = 40_000_000;

/** The RGB triple at (x, y) of a decoded size × size image. */
const pixel = (pixels: Uint8Array, size: number, x: number, y: number) => [...pixels.subarray((y * size + x) * 3, (y * size + x) * 3 + 3)];

/** Left half red, right half blue. */
async function splitImage(width: number, height: number): Promise<Sharp> {
  const half = await solid('#0000ff', width / 2, height)
    .png()
    .toBuffer();
  return solid('#ff0000', width, height).composite([{ input: half, left: width / 2, top: 0 }]);
}

describe('decodeImage', () => {
  test('PNG decodes to size × size RGB bytes, stretched to the square', async () => {
    const decoded = await decodeImage(await (await splitImage(80, 40)).png().toBuffer(), 4, LIMIT);
    expect(decoded.pixels).toHaveLength(4 * 4 * 3);
    expect(pixel(decoded.pixels!, 4, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(decoded.pixels!, 4, 3, 3)).toEqual([0, 0, 255]);
  });

  test('a central crop keeps the middle of each side; a square crop the largest central square', async () => {
    // Green frame a quarter of each side wide around a red centre.
    const red = await solid('#ff0000', 40, 20).png().toBuffer();
    const framed = await solid('#00ff00', 80, 40)
      .composite([{ input: red, left: 20, top: 10 }])
      .png()
      .toBuffer();
    const whole = await decodeImage(framed, 8, LIMIT);
    expect(pixel(whole.pixels!, 8, 0, 0)).toEqual([0, 255, 0]);
    const centre = await decodeImage(framed, { size: 8, crop: { kind: 'center', fraction: 0.5 } }, LIMIT);
    for (const [x, y] of [
      [0, 0],
      [7, 0],
      [0, 7],
      [7, 7],
    ]) {
      const [r, g] = pixel(centre.pixels!, 8, x, y);
      expect(r).toBeGreaterThan(200); // resampling blends the crop's edge a little, never to green
      expect(g).toBeLessThan(60);
    }
    // 2:1 split, left red / right blue: the central square is half of each.
    const square = await decodeImage(await (await splitImage(80, 40)).png().toBuffer(), { size: 4, crop: { kind: 'square' } }, LIMIT);
    expect(pixel(square.pixels!, 4, 0, 0)).toEqual([255, 0, 0]);
    expect(pixel(square.pixels!, 4, 3, 0)).toEqual([0, 0, 255]);
  });

  test('a JPEG with EXIF orientation 6 is turned upright first', async () => {
    // Stored left red / right blue; orientation 6 means "rotate 90° clockwise to display": red on top.
    const jpeg = await (await splitImage(80, 40)).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const { pixels } = await decodeImage(jpeg, 8, LIMIT);
    const [topR, , topB] = pixel(pixels!, 8, 4, 0);
    const [bottomR, , bottomB] = pixel(pixels!, 8, 4, 7);
    expect(topR).toBeGreaterThan(200);
    expect(topB).toBeLessThan(60);
    expect(bottomB).toBeGreaterThan(200);
    expect(bottomR).toBeLessThan(60);
  });

  test('grayscale is expanded to three equal channels', async () => {
    const gray = await solid('#808080').toColourspace('b-w').png().toBuffer();
    expect((await sharp(gray).metadata()).channels).toBe(1);
    const { pixels } = await decodeImage(gray, 4, LIMIT);
    expect(pixel(pixels!, 4, 1, 1)).toEqual([128, 128, 128]);
  });

  test('transparency is flattened onto white and the alpha channel dropped', async () => {
    const rgba = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const { pixels } = await decodeImage(rgba, 2, LIMIT);
    expect(pixels).toHaveLength(2 * 2 * 3);
    expect(pixel(pixels!, 2, 0, 0)).toEqual([255, 255, 255]);
  });

  test('GIF (first frame) and WebP decode', async () => {
    const gif = await solid('#00ff00').gif().toBuffer();
    const webp = await solid('#0000ff').webp({ lossless: true }).toBuffer();
    expect(pixel((await decodeImage(gif, 2, LIMIT)).pixels!, 2, 0, 0)).toEqual([0, 255, 0]);
    expect(pixel((await decodeImage(webp, 2, LIMIT)).pixels!, 2, 0, 0)).toEqual([0, 0, 255]);
  });

  test('an animated GIF gives its first frame', async () => {
    const frames = await Promise.all(['#ff0000', '#0000ff'].map((colour) => solid(colour, 8, 8).raw().toBuffer()));
    const animated = await sharp(Buffer.concat(frames), { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } } as SharpOptions)
      .gif({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    expect(pixel((await decodeImage(animated, 2, LIMIT)).pixels!, 2, 1, 1)).toEqual([255, 0, 0]);
  });

  test('more pixels than the limit -> IMAGE_TOO_LARGE', async () => {
    const big = await solid('#ffffff', 1200, 1000).png().toBuffer();
    expect(await decodeImage(big, 8, 1_000_000)).toEqual({ error: { code: ErrorCode.ImageTooLarge, message: 'the image has more than 1000000 pixels' } });
  });

  test.each([
    ['text', async () => Buffer.from('definitely not an image')],
    ['a truncated PNG', async () => (await solid('#ff0000', 300, 300).png({ compressionLevel: 0 }).toBuffer()).subarray(0, 5000)],
    ['an empty file', async () => Buffer.alloc(0)],
    ['SVG (not an accepted format)', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')],
    ['TIFF (not an accepted format)', async () => solid('#ff0000').tiff().toBuffer()],
  ])('%s -> UNSUPPORTED_IMAGE', async (_, make) => {
    const decoded = await decodeImage(await make(), 8, LIMIT);
    expect(decoded.error?.code).toBe(ErrorCode.UnsupportedImage);
  });

  test('the real grayscale photo (camera.png) decodes to RGB', async () => {
    const file = sharedPhoto('camera.png');
    if (!file) return;
    const { pixels } = await decodeImage(fs.readFileSync(file), 224, LIMIT);
    expect(pixels).toHaveLength(224 * 224 * 3);
    const [r, g, b] = pixel(pixels!, 224, 100, 100);
    expect(r).toBe(g);
    expect(g).toBe(b);
  });
});
