import sharp from 'sharp';
import { ErrorCode } from '../errors';
import { embeddedIccProfile } from './iccProfile';
import { notAcceptedMessage, notValidMessage, sniffImageFormat } from './imageFormat';
import type { Crop } from './modelFolder';
import type { ImageFailure } from './types';

export { ACCEPTED_FORMATS } from './imageFormat';

// Uploads are decoded once each: sharp's operation cache would only hold memory, never give a hit.
sharp.cache(false);

/** What a model wants to see: a size × size square of the whole image (stretched) or of a central crop. */
export interface ImageInput {
  size: number;
  crop?: Crop;
}

export type DecodedImage = { pixels: Uint8Array; error?: undefined } | { pixels?: undefined; error: ImageFailure };

/**
 * Decodes one uploaded image into size × size RGB bytes, the way the models were trained to see it:
 * EXIF orientation applied, transparency flattened onto white, grayscale expanded to three channels,
 * stretched to the square input (as tfjs-models' MobileNet does), after a central crop when the model
 * asks for one (TF-Slim's ImageNet evaluation: central 87.5%, then resize). GIFs give their first frame.
 * Images over `maxPixels` are refused before their pixels are decoded. The format is decided from the
 * first bytes before sharp sees the file: anything else (SVG, TIFF, PDF...) reaches no parser; libvips
 * picks the loader of that same format by the same magic bytes (and in the server every other loader
 * is blocked, see restrictImageLoaders). One sharp pipeline per image, no metadata pass.
 */
export async function decodeImage(bytes: Buffer, input: number | ImageInput, maxPixels: number): Promise<DecodedImage> {
  const { size, crop } = typeof input === 'number' ? { size: input, crop: undefined } : input;
  const expected = sniffImageFormat(bytes);
  if (!expected) return failure(ErrorCode.UnsupportedImage, notAcceptedMessage());
  try {
    // One pipeline per image: no metadata pass first. The format was decided by the sniff above (and
    // libvips picks its loader by the same magic bytes); the embedded profile is read from the file's
    // own bytes. Converting from an embedded sRGB profile to sRGB leaves every pixel as it was, yet
    // building the transform costs 3-5 ms of CPU per image (half the decode of a typical photo): skip
    // it. Other profiles (Adobe RGB, Display P3, CMYK) are still converted. JPEGs shrink on load
    // (libjpeg decodes at 1/2, 1/4 or 1/8 scale when the target is that much smaller).
    const image = sharp(bytes, { limitInputPixels: maxPixels, ignoreIcc: isSrgbProfile(embeddedIccProfile(bytes, expected)) })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb');
    if (crop?.kind === 'square') {
      image.resize(size, size, { fit: 'cover', position: 'centre' });
    } else if (crop?.kind === 'center' && crop.fraction < 1) {
      // Resizing to size / fraction and cutting the centre equals cropping first, without needing the
      // (orientation-dependent) source dimensions.
      const outer = Math.max(size, Math.round(size / crop.fraction));
      const margin = Math.floor((outer - size) / 2);
      image.resize(outer, outer, { fit: 'fill' }).extract({ left: margin, top: margin, width: size, height: size });
    } else {
      image.resize(size, size, { fit: 'fill' });
    }
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return failure(ErrorCode.UnsupportedImage, `unexpected ${info.channels}-channel image`);
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) {
      return failure(ErrorCode.ImageTooLarge, `the image has more than ${maxPixels} pixels`);
    }
    return failure(ErrorCode.UnsupportedImage, notValidMessage(expected));
  }
}

const failure = (code: ErrorCode, message: string): DecodedImage => ({ error: { code, message } });

/**
 * Whether an ICC profile is a matrix/TRC description of sRGB ("sRGB IEC61966-2.1", "sRGB built-in",
 * …), going by its description tag (ICC v2 `desc`, ASCII; v4 `mluc`, UTF-16BE first record). LUT-based
 * profiles (A2B0, e.g. the v4 "perceptual" sRGB) are left to the real conversion, since perceptual
 * rendering may move their pixels. Anything unreadable is "not sRGB": the exact, slower path runs.
 */
export function isSrgbProfile(icc: Buffer | undefined): boolean {
  if (!icc || icc.length < 132 || icc.toString('latin1', 16, 20) !== 'RGB ') return false;
  try {
    const tags = new Map<string, Buffer>();
    const count = Math.min(icc.readUInt32BE(128), 200);
    for (let i = 0; i < count; i++) {
      const entry = 132 + 12 * i;
      if (entry + 12 > icc.length) return false;
      const offset = icc.readUInt32BE(entry + 4);
      tags.set(icc.toString('latin1', entry, entry + 4), icc.subarray(offset, offset + icc.readUInt32BE(entry + 8)));
    }
    const description = tags.get('desc');
    if (!description || tags.has('A2B0') || !tags.has('rXYZ') || !tags.has('rTRC')) return false;
    return /^sRGB\b/i.test(profileDescription(description));
  } catch {
    return false; // a truncated or odd profile
  }
}

function profileDescription(tag: Buffer): string {
  const type = tag.toString('latin1', 0, 4);
  if (type === 'desc') return tag.toString('latin1', 12, 12 + Math.max(0, tag.readUInt32BE(8) - 1));
  if (type === 'mluc' && tag.readUInt32BE(8) > 0) {
    const length = tag.readUInt32BE(20);
    const start = tag.readUInt32BE(24);
    return Buffer.from(tag.subarray(start, start + length))
      .swap16()
      .toString('utf16le');
  }
  return '';
}
