/**
 * The image formats the gateway decodes, told apart by their first bytes (as the gateway's decoder does),
 * so a file that is not one of them (a text file renamed .jpg, a HEIC photo) is refused in the browser
 * with its own message instead of being uploaded.
 */
export type ImageFormat = 'JPEG' | 'PNG' | 'GIF' | 'WebP';

export const ACCEPTED_FORMATS = 'JPEG, PNG, GIF or WebP';

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

export function imageFormatOf(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'JPEG';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((byte, i) => bytes[i] === byte)) return 'PNG';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'GIF';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'WebP';
  return null;
}

export interface RejectedFile {
  file: File;
  /** Why it was not sent, for people to read. */
  reason: string;
}

/** Splits files into those whose bytes start like an accepted image and those that do not (with a reason). */
export async function checkImageFiles(files: File[]): Promise<{ accepted: File[]; rejected: RejectedFile[] }> {
  const accepted: File[] = [];
  const rejected: RejectedFile[] = [];
  for (const file of files) {
    const head = new Uint8Array(await file.slice(0, 12).arrayBuffer());
    if (imageFormatOf(head)) accepted.push(file);
    else
      rejected.push({ file, reason: file.size === 0 ? 'The file is empty.' : `Its bytes are not a ${ACCEPTED_FORMATS} image (whatever its name says), so it was not uploaded.` });
  }
  return { accepted, rejected };
}
