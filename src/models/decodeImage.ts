import sharp from 'sharp';
import { ErrorCode } from '../errors';
import type { ImageFailure } from './types';

export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;

// Uploads are decoded once each: sharp's operation cache would only hold memory, never give a hit.
sharp.cache(false);

export type DecodedImage = { pixels: Uint8Array; error?: undefined } | { pixels?: undefined; error: ImageFailure };

/**
 * Decodes one uploaded image into size × size RGB bytes, the way the models were trained to see it:
 * EXIF orientation applied, transparency flattened onto white, grayscale expanded to three channels,
 * stretched to the square input (as tfjs-models' MobileNet does). GIFs give their first frame.
 * Images over `maxPixels` are refused before their pixels are decoded.
 */
export async function decodeImage(bytes: Buffer, size: number, maxPixels: number): Promise<DecodedImage> {
  try {
    const input = sharp(bytes, { limitInputPixels: maxPixels });
    const { format } = await input.metadata();
    if (!(ACCEPTED_FORMATS as readonly string[]).includes(format ?? '')) {
      return failure(ErrorCode.UnsupportedImage, `${format ?? 'this'} images are not accepted; send ${ACCEPTED_FORMATS.join(', ')}`);
    }
    const { data, info } = await input
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .resize(size, size, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) return failure(ErrorCode.UnsupportedImage, `unexpected ${info.channels}-channel image`);
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    const message = (error as Error).message;
    if (/pixel limit/i.test(message)) {
      return failure(ErrorCode.ImageTooLarge, `the image has more than ${maxPixels} pixels`);
    }
    return failure(ErrorCode.UnsupportedImage, `the file could not be decoded as an image (${message})`);
  }
}

const failure = (code: ErrorCode, message: string): DecodedImage => ({ error: { code, message } });
