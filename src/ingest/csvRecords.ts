import fs from 'node:fs';

/**
 * Streams the records of a CSV file (RFC 4180: `,` separated, `"` quoted, `""` for a quote inside
 * quotes, LF or CRLF line ends) with the physical line each record starts on. A record that cannot be
 * parsed is yielded as an error with its line and text, never skipped; blank lines are not records.
 * An unterminated quote swallows the rest of the file, as in every CSV reader.
 */

export type CsvRecord = { line: number; fields: string[] } | { line: number; error: string; text: string };

export interface CsvReadOptions {
  /** Called with the bytes read so far, for progress bars. */
  onBytes?: (bytesRead: number) => void;
}

export async function* readCsvRecords(file: string, options: CsvReadOptions = {}): AsyncGenerator<CsvRecord> {
  const stream = fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytesRead = 0;
  let pending = '';
  let line = 1;
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    bytesRead += Buffer.byteLength(chunk);
    let text = pending + chunk;
    if (first) {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    const { records, rest, nextLine } = parseComplete(text, line, false);
    pending = rest;
    line = nextLine;
    yield* records;
    options.onBytes?.(bytesRead);
  }
  if (pending.length > 0) yield* parseComplete(pending, line, true).records;
}

/**
 * Parses the records of `text` that are complete (end with a line break outside quotes, or the file
 * ends); the incomplete tail is returned for the next chunk.
 */
function parseComplete(text: string, startLine: number, atEnd: boolean): { records: CsvRecord[]; rest: string; nextLine: number } {
  const records: CsvRecord[] = [];
  let line = startLine;
  let recordStart = 0;
  while (recordStart < text.length) {
    const parsed = parseRecord(text, recordStart, atEnd);
    if (!parsed) break;
    const raw = text.slice(recordStart, parsed.end);
    const body = raw.replace(/\r?\n$/, '');
    if (parsed.error) records.push({ line, error: parsed.error, text: body });
    else if (body.trim() !== '') records.push({ line, fields: parsed.fields });
    line += countLineBreaks(raw);
    recordStart = parsed.end;
  }
  return { records, rest: text.slice(recordStart), nextLine: line };
}

interface ParsedRecord {
  fields: string[];
  /** Index just after the record's line break (or the end of the text). */
  end: number;
  error?: string;
}

/** One record from `start`, or undefined when the text ends before the record does (and more may come). */
function parseRecord(text: string, start: number, atEnd: boolean): ParsedRecord | undefined {
  const fields: string[] = [];
  let i = start;
  let error: string | undefined;
  for (;;) {
    let value = '';
    const quoteAt = quotedFieldStart(text, i);
    if (quoteAt >= 0) {
      i = quoteAt + 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) {
          if (!atEnd) return undefined;
          return { fields, end: text.length, error: 'UNQUOTED VALUE: value with an unterminated quote' };
        }
        value += text.slice(i, quote);
        if (text[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        if (quote + 1 >= text.length && !atEnd) return undefined;
        i = quote + 1;
        break;
      }
      while (text[i] === ' ' || text[i] === '\t') i += 1;
      const after = text[i];
      if (after !== ',' && after !== '\n' && after !== '\r' && after !== undefined) {
        error ??= 'UNQUOTED VALUE: characters after a closing quote';
      }
    }
    const stop = nextDelimiter(text, i);
    if (stop < 0) {
      if (!atEnd) return undefined;
      value += text.slice(i);
      fields.push(value);
      return { fields, end: text.length, error };
    }
    // A quote inside an unquoted value is kept as a character, as DuckDB's reader does.
    value += text.slice(i, stop);
    fields.push(value);
    if (text[stop] === ',') {
      i = stop + 1;
      continue;
    }
    const end = text[stop] === '\r' && text[stop + 1] === '\n' ? stop + 2 : stop + 1;
    if (text[stop] === '\r' && stop + 1 >= text.length && !atEnd) return undefined;
    return { fields, end, error };
  }
}

/** Where a quoted field's opening quote is (spaces before it are allowed), or -1 for an unquoted field. */
function quotedFieldStart(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i += 1;
  return text[i] === '"' ? i : -1;
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) return i;
  }
  return -1;
}

function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) === 10) count += 1;
  return count;
}
