import type { Readable } from 'node:stream';

export interface BoundedCollection {
  maxBytes: number;
  /** The error once the bytes pass `maxBytes` (the stream is destroyed at once, nothing more is buffered). */
  tooLarge: () => Error;
  /** The error the caller reports for a stream error (a failed connection, a missing object, a deadline). */
  failure: (error: Error) => Error;
}

/**
 * A stream's bytes, at most `maxBytes` of them, however they arrive: the one size-capped read of a
 * remote body (safeFetch's HTTP answers, SourceReader's Cloud Storage objects). The first outcome wins:
 * the error a destroyed stream emits after `tooLarge` does not replace it. A deadline is the caller's:
 * `stream.destroy(error)` when it passes.
 */
export function collectBounded(stream: Readable, { maxBytes, tooLarge, failure }: BoundedCollection): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error);
      stream.destroy();
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge());
      else chunks.push(chunk);
    });
    stream.on('error', (error: Error) => fail(failure(error)));
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, size));
    });
    // Destroyed without an error and before its end: a cut, never a hang.
    stream.on('close', () => fail(failure(new Error('the stream closed before its end'))));
  });
}
