import type { FileUpload } from 'graphql-upload-minimal';
import type { GatewayConfig } from '../config';
import { badUserInput, ErrorCode, GatewayError, isGatewayError } from '../errors';
import { discardUploads, readUpload } from '../uploads';
import { decodeGateFor, decodeWithinBudget } from './decodeGate';
import { decodeImage, type DecodedImage, type ImageInput } from './decodeImage';
import { notAcceptedMessage, sniffImageFormat } from './imageFormat';
import type { ImageFailure } from './types';

/**
 * The one way in for uploaded images, shared by classify, labelDetection and similarImages:
 * 1. `admitUploads`: the checks that can refuse a request outright; a refused request's uploads are drained, not read;
 * 2. `readImages` / `readImage`: each file read within MAX_UPLOAD_BYTES; `readImages` also refuses a file whose first
 *    bytes are not an accepted image format (Cloud Vision is handed nothing else; the decoder checks it again);
 * 3. `assertDecodeRoom` then `decodeImages`: decoded within the process's decode gate, refused at once with
 *    OVERLOADED when its queue is full.
 */
export type UploadArg = Promise<FileUpload> | FileUpload;

/** One upload as read: its bytes when they are an accepted image within the byte limit, else why not. */
export interface ReadImage {
  filename: string;
  mimetype: string | null;
  bytes: Buffer | null;
  size: number | null;
  error: ImageFailure | null;
}

export type DecodeLimits = Pick<GatewayConfig, 'decode' | 'maxImagePixels'>;

/** Runs `checks`; when they refuse the request, its uploads are drained (the multipart parser waits for each) and the refusal thrown. */
export function admitUploads<T>(files: UploadArg[], checks: () => T): T {
  try {
    return checks();
  } catch (error) {
    discardUploads(files);
    throw error;
  }
}

/** At least one file and at most `maxFiles`: BAD_USER_INPUT / TOO_MANY_FILES otherwise. */
export function checkFileCount(files: UploadArg[], maxFiles: number): void {
  if (files.length === 0) throw badUserInput('`files` must hold at least one file.', { argument: 'files' });
  if (files.length > maxFiles) throw new GatewayError(ErrorCode.TooManyFiles, `At most ${maxFiles} files per request, got ${files.length}.`, { argument: 'files' });
}

/** Every file read, even after one fails: the client sent them all and each deserves an answer. */
export function readImages(files: UploadArg[], maxBytes: number): Promise<ReadImage[]> {
  return Promise.all(files.map((file) => readOne(file, maxBytes)));
}

/** One file's bytes, for a caller that decodes it next (decodeImages refuses what is not an accepted image); throws FILE_TOO_LARGE or BAD_USER_INPUT. */
export async function readImage(file: UploadArg, maxBytes: number): Promise<Buffer> {
  return (await readUpload(file, maxBytes)).bytes;
}

/** Throws OVERLOADED when `count` more images could not wait for the decode gate now; reserves nothing. */
export function assertDecodeRoom(limits: DecodeLimits, count: number): void {
  decodeGateFor(limits).assertRoom(count);
}

/** Each image decoded to the model's input once the decode gate admits its pixels; per-image failures are outcomes. */
export function decodeImages(images: Buffer[], input: number | ImageInput, limits: DecodeLimits): Promise<DecodedImage[]> {
  return Promise.all(images.map((bytes) => decodeWithinBudget(bytes, limits, () => decodeImage(bytes, input, limits.maxImagePixels))));
}

async function readOne(file: UploadArg, maxBytes: number): Promise<ReadImage> {
  let upload: FileUpload;
  try {
    upload = await file;
  } catch (error) {
    return { filename: '', mimetype: null, bytes: null, size: null, error: failureOf(error, ErrorCode.BadUserInput) };
  }
  try {
    const { bytes } = await readUpload(upload, maxBytes);
    const error = sniffImageFormat(bytes) ? null : { code: ErrorCode.UnsupportedImage, message: notAcceptedMessage() };
    return { filename: upload.filename, mimetype: upload.mimetype ?? null, bytes: error ? null : bytes, size: bytes.length, error };
  } catch (error) {
    return { filename: upload.filename, mimetype: upload.mimetype ?? null, bytes: null, size: null, error: failureOf(error, ErrorCode.UnsupportedImage) };
  }
}

function failureOf(error: unknown, fallback: ErrorCode): ImageFailure {
  if (isGatewayError(error)) return { code: error.code, message: error.message };
  return { code: fallback, message: error instanceof Error ? error.message : String(error) };
}
