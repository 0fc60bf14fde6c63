import sharp from 'sharp';

/** Longest side of a kept thumbnail, and its JPEG quality: small enough for thousands per evaluation. */
export const THUMBNAIL_SIZE = 128;
const QUALITY = 70;

/** A small JPEG of an image's bytes (EXIF orientation applied), or undefined when they do not decode. */
export async function thumbnailOf(bytes: Buffer, maxImagePixels: number): Promise<Buffer | undefined> {
  try {
    return await sharp(bytes, { limitInputPixels: maxImagePixels, failOn: 'error' })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: QUALITY })
      .toBuffer();
  } catch {
    return undefined;
  }
}
