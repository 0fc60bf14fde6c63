/** The parts of a `multipart/related` body (Cloud Storage's multipart upload), or undefined when it is not one. */
export function parseMultipartRelated(contentType: string, body: Buffer): Array<{ contentType?: string; body: Buffer }> | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!/^multipart\/related/i.test(contentType) || !boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ contentType?: string; body: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return parts; // the closing delimiter
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headersEnd);
    if (headersEnd < 0 || next < 0) return undefined;
    const headers = body.subarray(start, headersEnd).toString('utf8');
    // The part's bytes end before the CRLF that precedes the next delimiter.
    parts.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim(), body: body.subarray(headersEnd + 4, next - 2) });
    at = next;
  }
  return undefined;
}
