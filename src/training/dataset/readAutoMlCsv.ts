import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isRemoteSourceAllowed, type RemoteSourcePolicy } from '../sources/remoteSources';
import { assertInside } from './assertInside';
import { parseCsv } from './parseCsv';
import { datasetOf, DatasetError, SourceRefusedError, type Dataset, type DatasetItem, type Split } from './types';

const SPLITS: Record<string, Split | undefined> = {
  train: 'TRAIN',
  training: 'TRAIN',
  validation: 'VALIDATION',
  validate: 'VALIDATION',
  test: 'TEST',
  testing: 'TEST',
  unassigned: undefined,
  '': undefined,
};

const REMOTE = /^(gs|https?):\/\//i;

export interface CsvOptions {
  /** When set, local paths must resolve inside this folder (the server's TRAINING_DATA_ROOT). */
  localRoot?: string;
  /** The hosts and buckets gs:// and http(s):// rows may name (TRAINING_REMOTE_SOURCES); unset: local rows only. */
  remote?: RemoteSourcePolicy;
}

/**
 * AutoML Vision's import CSV: `split,path_or_uri,label[,label...]`, one image per row (the split column
 * may be left out). Split is TRAIN / VALIDATION / TEST (any case, or training/validation/test); empty
 * or UNASSIGNED leaves it to be assigned. Local paths are relative to the CSV file. An image listed on
 * several rows gets the union of their labels; rows without labels are skipped, as AutoML does.
 */
export async function readAutoMlCsv(file: string, options: CsvOptions = {}): Promise<Dataset> {
  const csvDir = path.dirname(path.resolve(file));
  const rows = parseCsv(await fs.readFile(file, 'utf8'));
  if (rows.length > 0 && /^(split|set|ml_use)$/i.test(rows[0][0].trim())) rows.shift(); // a header row
  const bySource = new Map<string, DatasetItem>();
  for (const [index, row] of rows.entries()) {
    const line = index + 1;
    const fields = row.map((value) => value.trim());
    const hasSplit = fields[0].toLowerCase() in SPLITS;
    if (!hasSplit && !looksLikeImage(fields[0])) {
      throw new DatasetError(`line ${line}: "${fields[0]}" is neither a split (TRAIN, VALIDATION, TEST) nor an image path`, `line ${line} of the CSV is not \`split,path,label\``);
    }
    const split = hasSplit ? SPLITS[fields[0].toLowerCase()] : undefined;
    const location = hasSplit ? fields[1] : fields[0];
    const labels = fields.slice(hasSplit ? 2 : 1).filter(Boolean);
    if (!location) throw new DatasetError(`line ${line}: no image path`, `line ${line} of the CSV has no image path`);
    if (labels.length === 0) continue;
    const source = await resolveSource(location, csvDir, options, line);
    const known = bySource.get(source);
    if (known) known.labels = [...new Set([...known.labels, ...labels])];
    else bySource.set(source, { source, labels: [...new Set(labels)], ...(split ? { split } : {}) });
  }
  return datasetOf([...bySource.values()]);
}

async function resolveSource(location: string, csvDir: string, options: CsvOptions, line: number): Promise<string> {
  if (REMOTE.test(location)) {
    if (!isRemoteSourceAllowed(options.remote, location)) {
      throw new SourceRefusedError(
        `line ${line}: "${location}" is not allowed: remote rows must name a host or bucket listed in TRAINING_REMOTE_SOURCES`,
        `line ${line} of the CSV names a remote source that TRAINING_REMOTE_SOURCES does not allow`,
      );
    }
    return location;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new DatasetError(`line ${line}: unsupported scheme in "${location}" (use a path, gs:// or https://)`, `line ${line} of the CSV names an unsupported scheme`);
  }
  const resolved = path.resolve(csvDir, location);
  if (options.localRoot) await assertInside(options.localRoot, resolved, `line ${line}: "${location}"`, `line ${line} of the CSV`);
  return resolved;
}

const looksLikeImage = (value: string) => REMOTE.test(value) || /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i.test(value);
