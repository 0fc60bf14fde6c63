import http from 'node:http';

/** One part of a multipart/form-data body, written by hand so tests can also break the spec. */
export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
  contentType?: string;
}

export const BOUNDARY = '----gateway-conformance-boundary';
export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

export function partHead({ name, filename, contentType }: Omit<Part, 'value'>): string {
  const disposition = `form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`;
  return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${contentType ? `Content-Type: ${contentType}\r\n` : ''}\r\n`;
}

const encodePart = (part: Part): Buffer => Buffer.concat([Buffer.from(partHead(part)), Buffer.from(part.value), Buffer.from('\r\n')]);

export function multipartBody(parts: Part[]): Buffer {
  return Buffer.concat([...parts.map(encodePart), Buffer.from(`--${BOUNDARY}--\r\n`)]);
}

/** The operation every upload test sends: whichever mutation takes `[Upload!]!` as `files`. */
export const CLASSIFY = 'mutation Classify($files: [Upload!]!) { classify(files: $files) { filename error { code } } }';

/** The spec's `operations` + `map` for files f0..fn-1 of CLASSIFY. */
export function uploadFields(fileCount: number): Part[] {
  const files = Array.from({ length: fileCount }, () => null);
  const map = Object.fromEntries(files.map((_, i) => [`f${i}`, [`variables.files.${i}`]]));
  return [
    { name: 'operations', value: JSON.stringify({ query: CLASSIFY, operationName: 'Classify', variables: { files } }) },
    { name: 'map', value: JSON.stringify(map) },
  ];
}

export const PREFLIGHT = { 'apollo-require-preflight': 'true' };

/** POSTs a whole multipart body; resolves with the status and the parsed (or raw) body. */
export async function postMultipart(url: string, parts: Part[], headers: Record<string, string> = PREFLIGHT): Promise<{ status: number; contentType: string; body: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE, ...headers }, body: new Uint8Array(multipartBody(parts)) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the assertion message
  }
  return { status: response.status, contentType, body };
}

/**
 * Sends the head of a multipart upload that announces a big file, `sentBytes` of it, then
 * destroys the socket: a client that goes away mid-upload.
 */
export function abortedUpload(url: string, sentBytes: number): Promise<void> {
  const head = Buffer.concat([...uploadFields(1).map(encodePart), Buffer.from(partHead({ name: 'f0', filename: 'big.jpg', contentType: 'image/jpeg' }))]);
  return new Promise((resolve) => {
    const request = http.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': MULTIPART_TYPE, 'content-length': String(head.length + sentBytes * 4), ...PREFLIGHT },
    });
    request.on('error', () => undefined); // the destroy below ends it
    request.on('response', (res) => res.resume());
    request.write(head);
    request.write(Buffer.alloc(sentBytes, 0xff));
    // Give the server a moment to read what arrived, then disappear.
    setTimeout(() => {
      request.destroy();
      resolve();
    }, 50);
  });
}
