/** What a load did: rows per table, and every source row it refused, with file and line. */

export interface RejectedRow {
  file: string;
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  error: string;
  text: string;
}

export interface IngestReport {
  classes: number;
  imageLabels: number;
  relations: number;
  images: number;
  rejected: RejectedRow[];
}

/** Long rejected lines (an unterminated quote swallows the rest of the file) are cut for the report. */
export function shortText(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}...` : text;
}
