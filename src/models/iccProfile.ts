import zlib from 'node:zlib';
import type { AcceptedFormat } from './imageFormat';

/**
 * The ICC profile embedded in an image file, read from the container without decoding anything (JPEG
 * APP2 `ICC_PROFILE` segments, PNG `iCCP`, WebP `ICCP`; GIF has none), so that the decode can be a
 * single sharp pipeline. Undefined when there is none or the container is odd: the caller then takes
 * the exact (colour-managed) path.
 */
export function embeddedIccProfile(bytes: Buffer, format: AcceptedFormat): Buffer | undefined {
  try {
    if (format === 'jpeg') return jpegIcc(bytes);
    if (format === 'png') return pngIcc(bytes);
    if (format === 'webp') return webpIcc(bytes);
  } catch {
    // truncated or malformed container: no profile known
  }
  return undefined;
}

const ICC_MARKER = 'ICC_PROFILE\0';

function jpegIcc(bytes: Buffer): Buffer | undefined {
  const chunks: Array<{ sequence: number; data: Buffer }> = [];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image: no more headers
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    const start = offset + 4;
    if (marker === 0xe2 && length >= 16 && bytes.toString('latin1', start, start + 12) === ICC_MARKER) {
      chunks.push({ sequence: bytes[start + 12], data: bytes.subarray(start + 14, offset + 2 + length) });
    }
    offset += 2 + length;
  }
  if (chunks.length === 0) return undefined;
  return Buffer.concat(chunks.sort((a, b) => a.sequence - b.sequence).map((chunk) => chunk.data));
}

function pngIcc(bytes: Buffer): Buffer | undefined {
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT' || type === 'IEND') return undefined; // iCCP must come before the image data
    if (type === 'iCCP') {
      const data = bytes.subarray(offset + 8, offset + 8 + length);
      const nameEnd = data.indexOf(0);
      if (nameEnd < 0 || data[nameEnd + 1] !== 0) return undefined; // compression method 0 (zlib) only
      return zlib.inflateSync(data.subarray(nameEnd + 2), { maxOutputLength: 4 * 1024 * 1024 });
    }
    offset += 12 + length;
  }
  return undefined;
}

function webpIcc(bytes: Buffer): Buffer | undefined {
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString('latin1', offset, offset + 4);
    const length = bytes.readUInt32LE(offset + 4);
    if (type === 'ICCP') return bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'VP8 ' || type === 'VP8L') return undefined; // a simple file: no extended header, no profile
    offset += 8 + length + (length % 2);
  }
  return undefined;
}
