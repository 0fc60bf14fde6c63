import sharp from 'sharp';
import type { GatewayConfig } from '../../config';
import { decodeWithinBudget } from '../../models/decodeGate';
import { sniffImageFormat } from '../../models/imageFormat';

/** Longest side of a sample thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 128;

/**
 * A small JPEG of an image as a data: URL (which the explorer's CSP allows): turned upright by its EXIF
 * orientation, at most THUMBNAIL_SIZE px a side, transparency on white, sRGB, no metadata. Only the
 * accepted formats reach a decoder (sniffed from the first bytes), the decode waits for the process's
 * decode gate and refuses images over MAX_IMAGE_PIXELS, as uploads do. Undefined for anything it cannot decode.
 */
export async function thumbnailOf(bytes: Buffer, config: Pick<GatewayConfig, 'decode' | 'maxImagePixels'>): Promise<string | undefined> {
  if (!sniffImageFormat(bytes)) return undefined;
  try {
    const jpeg = await decodeWithinBudget(bytes, config, () =>
      sharp(bytes, { limitInputPixels: config.maxImagePixels })
        .rotate()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 80, mozjpeg: false })
        .toBuffer(),
    );
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return undefined;
  }
}
