import sharp, { type Sharp } from 'sharp';
import { decodeImage, isSrgbProfile } from '../../src/models/decodeImage';
import { embeddedIccProfile } from '../../src/models/iccProfile';

const LIMIT = 40_000_000;

/** A 16×16 PNG of one colour with libvips' built-in ICC profile `profile` (an ICC v4 matrix/TRC profile) embedded. */
const tagged = (profile: 'srgb' | 'p3') =>
  sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 30 } } })
    .withIccProfile(profile)
    .png()
    .toBuffer();

const iccOf = async (png: Buffer) => (await sharp(png).metadata()).icc;

/** The same pipeline as decodeImage with the embedded profile always applied (the slow, exact path). */
const colourManaged = async (png: Buffer, size: number) =>
  new Uint8Array(await sharp(png).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').resize(size, size, { fit: 'fill' }).raw().toBuffer());

describe('embedded ICC profiles', () => {
  test('an sRGB profile is recognised, and skipping its (no-op) conversion leaves the pixels exactly as converting does', async () => {
    const png = await tagged('srgb');
    expect(isSrgbProfile(await iccOf(png))).toBe(true);
    const { pixels } = await decodeImage(png, 8, LIMIT);
    expect(pixels).toEqual(await colourManaged(png, 8));
  });

  test('another profile (Display P3) is still converted to sRGB', async () => {
    const png = await tagged('p3');
    expect(isSrgbProfile(await iccOf(png))).toBe(false);
    const { pixels } = await decodeImage(png, 8, LIMIT);
    const ignored = new Uint8Array(await sharp(png, { ignoreIcc: true }).resize(8, 8, { fit: 'fill' }).raw().toBuffer());
    expect(pixels).toEqual(await colourManaged(png, 8));
    expect(pixels).not.toEqual(ignored);
  });

  test('no profile, or one that cannot be read, is not taken for sRGB', () => {
    expect(isSrgbProfile(undefined)).toBe(false);
    expect(isSrgbProfile(Buffer.alloc(0))).toBe(false);
    expect(isSrgbProfile(Buffer.alloc(200, 0xff))).toBe(false);
    const truncated = Buffer.alloc(140);
    truncated.write('RGB ', 16, 'latin1');
    truncated.writeUInt32BE(1000, 128); // claims 1000 tags in 140 bytes
    expect(isSrgbProfile(truncated)).toBe(false);
  });

  test.each([
    ['jpeg', (image: Sharp) => image.jpeg()],
    ['png', (image: Sharp) => image.png()],
    ['webp', (image: Sharp) => image.webp()],
  ] as const)('the profile read from the %s container is the one libvips finds (no decode needed)', async (format, encode) => {
    for (const profile of ['srgb', 'p3'] as const) {
      const file = await encode(sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 200, g: 40, b: 30 } } }).withIccProfile(profile)).toBuffer();
      const icc = embeddedIccProfile(file, format);
      expect(icc).toEqual(await iccOf(file));
      expect(isSrgbProfile(icc)).toBe(profile === 'srgb');
    }
    const plain = await encode(sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })).toBuffer();
    expect(embeddedIccProfile(plain, format)).toBeUndefined();
    expect(embeddedIccProfile(plain.subarray(0, 20), format)).toBeUndefined();
  });
});
