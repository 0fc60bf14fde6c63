import type { Readable } from 'node:stream';
import type { FileUpload } from 'graphql-upload-minimal';
import { ErrorCode, GatewayError, inputPrefix, quoteInput } from './errors';

/** An uploaded file read into memory. */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  encoding: string;
  bytes: Buffer;
}

/**
 * Reads one `Upload` argument (the promise graphql-upload-minimal hands a resolver) into a Buffer.
 * Throws GatewayError FILE_TOO_LARGE past `maxBytes` (or when the upload middleware truncated the file
 * at its own `maxFileSize`), and BAD_USER_INPUT when the client went away or the file never arrived.
 *
 * Past the limit the rest of the file is drained, not kept: the multipart parser only moves on to the
 * request's next file once this one is consumed, and a destroyed stream would stall it.
 */
export async function readUpload(upload: FileUpload | Promise<FileUpload>, maxBytes: number): Promise<UploadedFile> {
  let file: FileUpload;
  try {
    file = await upload;
  } catch (error) {
    throw uploadFailure('', error);
  }
  let stream: Readable;
  try {
    stream = file.createReadStream();
  } catch (error) {
    throw uploadFailure(file.filename, error);
  }
  const bytes = await readAtMost(stream, maxBytes, file.filename);
  return { filename: file.filename, mimetype: file.mimetype, encoding: file.encoding, bytes };
}

/**
 * Drains uploads a request will not use (it was refused before reading them): the multipart parser
 * waits for each file to be consumed, so unread files would stall the rest of the request body.
 */
export function discardUploads(uploads: Array<FileUpload | Promise<FileUpload>>): void {
  for (const upload of uploads) {
    Promise.resolve(upload)
      .then((file) => {
        const stream = file.createReadStream();
        stream.on('error', () => undefined);
        stream.resume();
      })
      .catch(() => undefined); // a file that never arrived or was already truncated has nothing to drain
  }
}

function readAtMost(stream: Readable, maxBytes: number, filename: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: GatewayError | undefined) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      chunks.length = 0;
      stream.off('data', onData);
      stream.on('data', () => undefined);
      settle(tooLarge(filename, maxBytes));
    };
    stream.on('data', onData);
    stream.once('end', () => settle((stream as Readable & { truncated?: boolean }).truncated ? tooLarge(filename, maxBytes) : undefined));
    stream.on('error', (error) => settle(uploadFailure(filename, error)));
    stream.once('close', () => settle(interrupted(filename)));
  });
}

function uploadFailure(filename: string, error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const status = (error as { status?: unknown }).status;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 413 || /size limit/i.test(message)) {
    return new GatewayError(ErrorCode.FileTooLarge, `The file ${quoteInput(filename)} is too large.`, { filename: inputPrefix(filename) });
  }
  if (status === 499 || /disconnect|abort|premature close/i.test(message)) return interrupted(filename);
  return new GatewayError(
    ErrorCode.BadUserInput,
    `The file ${quoteInput(filename)} could not be read: ${inputPrefix(message, 200)}`,
    { filename: inputPrefix(filename) },
    { cause: error },
  );
}

const tooLarge = (filename: string, maxBytes: number) =>
  new GatewayError(ErrorCode.FileTooLarge, `The file ${quoteInput(filename)} is larger than ${maxBytes} bytes.`, { filename: inputPrefix(filename), maxBytes });

const interrupted = (filename: string) =>
  new GatewayError(ErrorCode.BadUserInput, `The upload of ${quoteInput(filename)} was interrupted before it completed.`, { filename: inputPrefix(filename) });
