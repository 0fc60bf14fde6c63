import sharp from 'sharp';

/** Longest side of a kept thumbnail, and its JPEG quality: small enough for thousands per evaluation. */
export const THUMBNAIL_SIZE = 128;
const QUALITY = 70;

/**
 * A small JPEG of an image's bytes, as the gateway shows training photos (evaluation and dataset samples):
 * upright by its EXIF orientation, at most THUMBNAIL_SIZE px a side, transparency on white, sRGB, no
 * metadata; undefined when the bytes do not decode.
 */
export async function thumbnailOf(bytes: Buffer, maxImagePixels: number): Promise<Buffer | undefined> {
  try {
    return await sharp(bytes, { limitInputPixels: maxImagePixels, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: QUALITY })
      .toBuffer();
  } catch {
    return undefined;
  }
}

export const asJpegDataUrl = (jpeg: Buffer): string => `data:image/jpeg;base64,${jpeg.toString('base64')}`;
