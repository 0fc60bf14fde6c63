/**
 * Splits a `multipart/related` upload (jobs.insert with `uploadType=multipart`) into its two parts:
 * the job resource (JSON) and the media (the file to load).
 */
export interface MultipartUpload {
  metadata: unknown;
  media: Buffer;
}

export function parseMultipartUpload(contentType: string | undefined, body: Buffer): MultipartUpload {
  const boundary = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!contentType?.toLowerCase().startsWith('multipart/related') || !boundary) {
    throw new Error(`Expected a multipart/related upload, got ${contentType ?? 'no content type'}`);
  }
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const contentStart = start + delimiter.length;
    if (body.subarray(contentStart, contentStart + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, contentStart);
    if (next < 0) throw new Error('Unterminated multipart body');
    parts.push(body.subarray(contentStart + 2, next - 2)); // drop the CRLF after the delimiter and before the next
    start = next;
  }
  if (parts.length !== 2) throw new Error(`Expected 2 parts in the upload, found ${parts.length}`);
  const [metadataPart, mediaPart] = parts.map((part) => {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('Multipart part without headers');
    return part.subarray(headerEnd + 4);
  });
  return { metadata: JSON.parse(metadataPart.toString('utf8')), media: mediaPart };
}

/** Rows of a NEWLINE_DELIMITED_JSON file; a line that is not a JSON object fails the load, as maxBadRecords 0 does. */
export function parseNewlineDelimitedJson(media: Buffer): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  media
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`Error while reading data, error message: JSON parsing error in row starting at line ${index + 1}`);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new Error(`Error while reading data, error message: row at line ${index + 1} is not a JSON object`);
      }
      rows.push(parsed as Record<string, unknown>);
    });
  return rows;
}
