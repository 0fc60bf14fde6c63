import sharp from 'sharp';

/** The formats the gateway decodes, as sharp names them. */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'gif'] as const;
export type AcceptedFormat = (typeof ACCEPTED_FORMATS)[number];

export const ACCEPTED_FORMATS_TEXT = 'JPEG, PNG, WebP or GIF';
const FORMAT_NAMES: Record<AcceptedFormat, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF' };

/**
 * The format an upload's first bytes announce, decided before any decoder sees it; undefined for
 * anything else (SVG, TIFF, HEIF, PDF, text...), which must then reach no parser at all: libvips would
 * otherwise pick a loader by sniffing, and SVG goes to librsvg's XML parser.
 */
export function sniffImageFormat(bytes: Uint8Array): AcceptedFormat | undefined {
  const ascii = (start: number, end: number) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, end);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

export const formatName = (format: AcceptedFormat) => FORMAT_NAMES[format];

export const notAcceptedMessage = () => `the file is not an accepted image: send ${ACCEPTED_FORMATS_TEXT}`;

/** A decoder's failure as a client may read it: never libvips' or glib's own text. */
export const notValidMessage = (format: AcceptedFormat) => `the file is not a valid ${formatName(format)} image`;

const ACCEPTED_LOADERS = ['VipsForeignLoadJpegBuffer', 'VipsForeignLoadPngBuffer', 'VipsForeignLoadWebpBuffer', 'VipsForeignLoadNsgifBuffer'];

/**
 * Defence in depth for the server process: every libvips loader is blocked but the buffer loaders of
 * the accepted formats, so that even a decode path that forgot the sniff cannot reach librsvg, poppler,
 * libheif or ImageMagick. Process-wide (libvips' state is), hence called by main.ts, not on import.
 * Returns the undo (for tests).
 */
export function restrictImageLoaders(): () => void {
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ACCEPTED_LOADERS });
  return () => sharp.unblock({ operation: ['VipsForeignLoad'] });
}
