import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { processRequest, type FileUpload } from 'graphql-upload-minimal';
import { ErrorCode } from '../../src/errors';
import { discardUploads, readUpload } from '../../src/uploads';

/**
 * Real multipart requests over loopback HTTP, parsed by graphql-upload-minimal as the gateway mounts it;
 * each test reads the resulting Upload promises with readUpload, as a resolver does.
 */

interface FilePart {
  name: string;
  type: string;
  bytes: Buffer;
}

type Outcome = { filename: string; size: number; mimetype: string; head: string } | { code: string; message: string };

const BOUNDARY = '----gateway-test-boundary';

function multipartBody(files: FilePart[]): { head: Buffer; fileParts: Buffer[]; tail: Buffer } {
  const operations = JSON.stringify({ query: 'mutation($files: [Upload!]!) { classify(files: $files) }', variables: { files: files.map(() => null) } });
  const map = JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.files.${i}`]])));
  const field = (name: string, value: string) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(field('operations', operations) + field('map', map));
  const fileParts = files.map((file, i) =>
    Buffer.concat([
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${i}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
      file.bytes,
      Buffer.from('\r\n'),
    ]),
  );
  return { head, fileParts, tail: Buffer.from(`--${BOUNDARY}--\r\n`) };
}

/** Starts a server that reads every uploaded file with readUpload and hands back the outcomes. */
async function uploadServer(options: { maxBytes: number; middlewareMaxFileSize?: number }) {
  let deliver!: (outcomes: Outcome[]) => void;
  const outcomes = new Promise<Outcome[]>((resolve) => (deliver = resolve));
  const server = http.createServer(async (req, res) => {
    try {
      const operation = (await processRequest(req, res, { maxFileSize: options.middlewareMaxFileSize ?? Infinity })) as {
        variables: { files: { promise: Promise<FileUpload> }[] };
      };
      const results = await Promise.all(
        operation.variables.files.map((upload) =>
          readUpload(upload.promise, options.maxBytes).then(
            (file): Outcome => ({ filename: file.filename, size: file.bytes.length, mimetype: file.mimetype, head: file.bytes.subarray(0, 4).toString() }),
            (error: { code: string; message: string }): Outcome => ({ code: error.code, message: error.message }),
          ),
        ),
      );
      deliver(results);
      res.end(JSON.stringify(results));
    } catch (error) {
      res.statusCode = 400;
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, outcomes, close: () => new Promise((resolve) => server.close(resolve)) };
}

function send(port: number, body: Buffer[], options: { abortAfterBytes?: number } = {}): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    });
    request.on('error', () => resolve());
    request.on('response', (response) => response.resume().on('end', resolve));
    const all = Buffer.concat(body);
    if (options.abortAfterBytes !== undefined) {
      request.write(all.subarray(0, options.abortAfterBytes), () => setTimeout(() => (request.destroy(), resolve()), 50));
    } else {
      request.end(all);
    }
  });
}

const bytes = (size: number, prefix = 'DATA') => Buffer.concat([Buffer.from(prefix), Buffer.alloc(Math.max(0, size - prefix.length), 7)]);

describe('readUpload', () => {
  test('reads each file with its name and type', async () => {
    const server = await uploadServer({ maxBytes: 1024 });
    const { head, fileParts, tail } = multipartBody([
      { name: 'a.png', type: 'image/png', bytes: bytes(1024, 'PNG1') },
      { name: 'b.jpg', type: 'image/jpeg', bytes: bytes(10, 'JPG2') },
    ]);
    await send(server.port, [head, ...fileParts, tail]);
    expect(await server.outcomes).toEqual([
      { filename: 'a.png', size: 1024, mimetype: 'image/png', head: 'PNG1' },
      { filename: 'b.jpg', size: 10, mimetype: 'image/jpeg', head: 'JPG2' },
    ]);
    await server.close();
  });

  test('a file over maxBytes is FILE_TOO_LARGE and the request’s next file is still read', async () => {
    const server = await uploadServer({ maxBytes: 64 * 1024 });
    const { head, fileParts, tail } = multipartBody([
      { name: 'huge.jpg', type: 'image/jpeg', bytes: bytes(3 * 1024 * 1024) },
      { name: 'small.png', type: 'image/png', bytes: bytes(100, 'OKAY') },
    ]);
    await send(server.port, [head, ...fileParts, tail]);
    const [huge, small] = await server.outcomes;
    expect(huge).toEqual({ code: ErrorCode.FileTooLarge, message: 'The file "huge.jpg" is larger than 65536 bytes.' });
    expect(small).toEqual({ filename: 'small.png', size: 100, mimetype: 'image/png', head: 'OKAY' });
    await server.close();
  });

  test('a file the upload middleware truncated at its maxFileSize is FILE_TOO_LARGE, not a short image', async () => {
    const server = await uploadServer({ maxBytes: 1024 * 1024, middlewareMaxFileSize: 1000 });
    const { head, fileParts, tail } = multipartBody([{ name: 'big.png', type: 'image/png', bytes: bytes(5000) }]);
    await send(server.port, [head, ...fileParts, tail]);
    expect(await server.outcomes).toEqual([{ code: ErrorCode.FileTooLarge, message: expect.stringContaining('big.png') }]);
    await server.close();
  });

  test('a client that disconnects mid-file gets a typed BAD_USER_INPUT, promptly', async () => {
    const server = await uploadServer({ maxBytes: 1024 * 1024 });
    const { head, fileParts, tail } = multipartBody([{ name: 'cut.jpg', type: 'image/jpeg', bytes: bytes(200_000) }]);
    const started = Date.now();
    await send(server.port, [head, ...fileParts, tail], { abortAfterBytes: head.length + 50_000 });
    const [outcome] = await server.outcomes;
    expect(outcome).toEqual({ code: ErrorCode.BadUserInput, message: expect.stringMatching(/cut\.jpg|interrupted|disconnected/) });
    // Bounded generously (a busy machine is slow); a request left hanging would take the server's whole timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
    await server.close();
  });
});

describe('discardUploads', () => {
  test('drains the files of a refused request, so that its whole body is consumed', async () => {
    let drained = false;
    const server = http.createServer(async (req, res) => {
      const operation = (await processRequest(req, res, { maxFileSize: Infinity })) as { variables: { files: { promise: Promise<FileUpload> }[] } };
      discardUploads(operation.variables.files.map((upload) => upload.promise));
      const answer = () => ((drained = true), res.end('refused'));
      if (req.readableEnded) answer();
      else req.once('end', answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { head, fileParts, tail } = multipartBody([
      { name: 'a.jpg', type: 'image/jpeg', bytes: bytes(3 * 1024 * 1024) },
      { name: 'b.jpg', type: 'image/jpeg', bytes: bytes(3 * 1024 * 1024) },
    ]);
    await send((server.address() as AddressInfo).port, [head, ...fileParts, tail]);
    expect(drained).toBe(true);
    await new Promise((resolve) => server.close(resolve));
  });
});
