import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { safeFetch, SafeFetchError } from '../http/safeFetch';
import { MODEL_ID_PATTERN } from './discoverModels';
import type { CatalogueEntry, LabelsSource, PinnedUrl } from './modelCatalogue';
import { readModelSpec } from './modelFolder';

export interface DownloadRequest extends Omit<CatalogueEntry, 'description' | 'labels' | 'preprocessing'> {
  /**
   * Where the class names are. Absent: taken from beside model.json, the first of metadata.json (with
   * `labels`), dict.txt (AutoML Edge) and labels.txt that can be fetched, which must then match
   * `labelsSha256` (they are not covered by the model's digest); they keep their own file name.
   */
  labels?: LabelsSource;
  /** The sha256 the labels file found beside model.json must have (without `labels`). */
  labelsSha256?: string | null;
  /** Written into metadata.json; absent fields are left to the model folder's own defaults. */
  preprocessing?: Partial<CatalogueEntry['preprocessing']>;
  /** Per-file fetch deadline (default 120 s). */
  timeoutMs?: number;
  /** Folder name under modelsDir, and so the model id the gateway serves it under. */
  name: string;
  modelsDir: string;
  /** Accept files whose sha256 is not pinned (the digests are printed so they can be pinned). */
  allowUnpinned?: boolean;
  /** Replace an existing folder of that name. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface DownloadResult {
  dir: string;
  digest: string;
  labelsSha256: string;
  verified: boolean;
  files: string[];
}

export class DownloadError extends Error {
  override name = 'DownloadError';
}

const MAX_FILE_BYTES = 512 * 2 ** 20;
const FETCH_TIMEOUT_MS = 120_000;
const PARALLEL_FETCHES = 4;
const SHARD_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;
/** Files looked for beside model.json when no labels URL is given, in this order. */
const LABEL_FILES = ['metadata.json', 'dict.txt', 'labels.txt'] as const;

/**
 * The digest a catalogue pins for a model: sha256 of the `sha256sum`-style listing of model.json and
 * then every weight shard in manifest order, i.e. `sha256sum model.json <shards...> | sha256sum`.
 */
export function folderDigest(files: { name: string; bytes: Buffer }[]): string {
  const listing = files.map((file) => `${sha256(file.bytes)}  ${file.name}\n`).join('');
  return sha256(Buffer.from(listing));
}

/** The digest of a model folder already on disk, to pin a model one trusts. */
export async function digestOfFolder(dir: string): Promise<string> {
  const modelJson = await fs.readFile(path.join(dir, 'model.json'));
  const names = shardNames(modelJson);
  const shards = await Promise.all(names.map(async (name) => ({ name, bytes: await fs.readFile(path.join(dir, name)) })));
  return folderDigest([{ name: 'model.json', bytes: modelJson }, ...shards]);
}

/**
 * Fetches model.json, its shards and its labels, refuses anything whose sha256 differs from the pinned
 * one, and only then writes the folder (model.json, shards, metadata.json) under modelsDir, atomically.
 */
export async function downloadModel(request: DownloadRequest): Promise<DownloadResult> {
  const log = request.log ?? (() => undefined);
  if (!MODEL_ID_PATTERN.test(request.name)) throw new DownloadError(`"${request.name}" is not a valid model name (letters, digits, ".", "_", "-")`);
  const target = path.resolve(request.modelsDir, request.name);
  if (!request.force && (await exists(target))) throw new DownloadError(`${target} already exists (use --force to replace it)`);
  for (const [what, pinned] of [
    ['model', request.model],
    ['labels', request.labels],
  ] as const) {
    if (pinned && !pinned.sha256 && !request.allowUnpinned) {
      throw new DownloadError(`no sha256 is pinned for the ${what} at ${pinned.url}; pass --allow-unpinned to fetch it anyway and print its digest`);
    }
  }
  if (!request.labels && !request.labelsSha256 && !request.allowUnpinned) {
    throw new DownloadError(
      'no sha256 is pinned for the labels beside model.json (the model digest does not cover them): give --labels-sha256, or pass --allow-unpinned to fetch them anyway and print their digest',
    );
  }

  const timeoutMs = request.timeoutMs ?? FETCH_TIMEOUT_MS;
  log(`fetching ${request.model.url}`);
  const modelJson = await fetchBytes(request.model.url, timeoutMs);
  const names = shardNames(modelJson);
  const shards = await mapLimited(names, PARALLEL_FETCHES, async (name) => ({ name, bytes: await fetchBytes(shardUrl(request.model.url, name), timeoutMs) }));
  const digest = folderDigest([{ name: 'model.json', bytes: modelJson }, ...shards]);
  checkPinned('model', request.model, digest);
  log(`model digest ${digest} (${names.length} shards)${request.model.sha256 ? ', verified' : ', NOT PINNED: pin it after checking'}`);

  const found = request.labels ? undefined : await fetchLabelsBesideModel(request.model.url, timeoutMs);
  const labelsUrl = request.labels?.url ?? found!.url;
  const labelsBytes = request.labels ? await fetchBytes(request.labels.url, timeoutMs) : found!.bytes;
  const labelsSha256 = sha256(labelsBytes);
  const labelsPin: PinnedUrl = { url: labelsUrl, sha256: request.labels ? request.labels.sha256 : (request.labelsSha256 ?? null) };
  checkPinned('labels', labelsPin, labelsSha256);
  const verified = Boolean(request.model.sha256 && labelsPin.sha256);
  log(`labels from ${labelsUrl} (sha256 ${labelsSha256})${labelsPin.sha256 ? ', verified' : ', NOT PINNED'}`);

  // Labels given by URL go into metadata.json; found beside the model, the file keeps its name (and its
  // meaning: dict.txt marks an AutoML Edge export, a Teachable Machine metadata.json its preprocessing).
  const extraFiles: { name: string; bytes: Buffer }[] = [];
  let metadata: Record<string, unknown>;
  const fileDigests = (extra: { name: string; bytes: Buffer }[]) =>
    Object.fromEntries([{ name: 'model.json', bytes: modelJson }, ...shards, ...extra].map((file) => [file.name, sha256(file.bytes)]));
  if (found && found.name !== 'metadata.json') {
    parseLabels(labelsBytes, { url: labelsUrl, sha256: null });
    extraFiles.push({ name: found.name, bytes: labelsBytes });
  }
  // Every file written is covered by a pinned digest (or recorded as unpinned); metadata.json is made from them.
  const source = { model: request.model.url, digest, labels: labelsUrl, labelsSha256, verified, files: fileDigests(extraFiles), downloadedAt: new Date().toISOString() };
  if (request.labels) {
    metadata = { labels: parseLabels(labelsBytes, request.labels), ...request.preprocessing, source };
  } else if (found!.name === 'metadata.json') {
    metadata = { ...found!.metadata, ...request.preprocessing, source };
  } else {
    metadata = { ...request.preprocessing, source };
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const staging = await fs.mkdtemp(path.join(path.dirname(target), `.${request.name}.partial-`));
  let labelCount: number;
  try {
    await fs.writeFile(path.join(staging, 'model.json'), modelJson);
    for (const file of [...shards, ...extraFiles]) await fs.writeFile(path.join(staging, file.name), file.bytes);
    await fs.writeFile(path.join(staging, 'metadata.json'), JSON.stringify(metadata, null, 1));
    labelCount = (
      await readModelSpec(staging).catch((error: Error) => {
        throw new DownloadError(`the downloaded model is not usable: ${error.message}`);
      })
    ).labels.length;
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(staging, target);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
  log(`wrote ${target} (${labelCount} labels)`);
  return { dir: target, digest, labelsSha256, verified, files: ['model.json', ...names, ...extraFiles.map((file) => file.name), 'metadata.json'] };
}

function checkPinned(what: string, pinned: PinnedUrl, actual: string): void {
  if (pinned.sha256 && pinned.sha256.toLowerCase() !== actual) {
    throw new DownloadError(`${what} sha256 mismatch for ${pinned.url}: expected ${pinned.sha256}, got ${actual}; nothing was written`);
  }
}

function shardNames(modelJson: Buffer): string[] {
  let manifest: unknown;
  try {
    manifest = (JSON.parse(modelJson.toString('utf8')) as { weightsManifest?: unknown }).weightsManifest;
  } catch {
    throw new DownloadError('model.json is not valid JSON');
  }
  if (!Array.isArray(manifest)) throw new DownloadError('model.json has no weightsManifest: not a TF.js model');
  const names = manifest.flatMap((group: { paths?: unknown }) => (Array.isArray(group.paths) ? group.paths : []));
  // Teachable Machine writes "./weights.bin": the same plain file name.
  const plain = names.map((name) => (typeof name === 'string' ? name.replace(/^\.\//, '') : name));
  const unsafe = plain.find((name) => typeof name !== 'string' || !SHARD_NAME.test(name));
  if (unsafe !== undefined) throw new DownloadError(`refusing weight shard path ${JSON.stringify(unsafe)}: shards must be plain file names`);
  return plain as string[];
}

/** Shards sit next to model.json; hosts like TF Hub also want model.json's query string on them. */
function shardUrl(modelUrl: string, name: string): string {
  const url = new URL(modelUrl);
  return new URL(encodeURIComponent(name) + url.search, url).toString();
}

function parseLabels(bytes: Buffer, source: LabelsSource): string[] {
  const lines = bytes
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const labels = lines.slice(source.dropFirst ?? 0);
  if (labels.length === 0 || labels.some((label) => label === '')) throw new DownloadError(`${source.url} is not a list of labels, one per line`);
  return labels;
}

/** The first of LABEL_FILES beside model.json that answers 200 and holds labels. */
async function fetchLabelsBesideModel(modelUrl: string, timeoutMs: number): Promise<{ name: string; url: string; bytes: Buffer; metadata?: Record<string, unknown> }> {
  const tried: string[] = [];
  for (const name of LABEL_FILES) {
    const url = shardUrl(modelUrl, name);
    let bytes: Buffer;
    try {
      bytes = await fetchBytes(url, timeoutMs);
    } catch (error) {
      if (error instanceof HttpStatusError) {
        tried.push(`${name}: HTTP ${error.status}`);
        continue;
      }
      throw error;
    }
    if (name !== 'metadata.json') return { name, url, bytes };
    try {
      const metadata = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      if (Array.isArray(metadata.labels) && metadata.labels.length > 0) return { name, url, bytes, metadata };
      tried.push('metadata.json: no "labels"');
    } catch {
      tried.push('metadata.json: not JSON');
    }
  }
  throw new DownloadError(`no labels: --labels-url was not given and none of ${LABEL_FILES.join(', ')} beside model.json has them (${tried.join('; ')})`);
}

class HttpStatusError extends DownloadError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Why a fetch failed, in words that name the host and the cause (undici only says "fetch failed"; safeFetch gives a code). */
export function describeFetchFailure(url: string, error: unknown, timeoutMs: number): string {
  const host = new URL(url).host;
  if (error instanceof SafeFetchError && error.reason !== 'network') {
    if (error.reason === 'timeout') return `${host}: no answer within ${Math.round(timeoutMs / 1000)} s (timeout) fetching ${url}`;
    return `${error.message} fetching ${url}`;
  }
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string; name?: string } };
  if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError' || err.cause?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return `${host}: no answer within ${Math.round(timeoutMs / 1000)} s (timeout) fetching ${url}`;
  }
  // safeFetch keeps the socket's error code on the error; undici's fetch puts it on `cause`.
  const cause = error instanceof SafeFetchError ? { code: error.details.code, message: error.message } : err.cause;
  const code = cause?.code;
  const reasons: Record<string, string> = {
    ENOTFOUND: 'the host name does not resolve (ENOTFOUND; offline, or a typo)',
    EAI_AGAIN: 'the host name could not be resolved now (EAI_AGAIN; DNS unreachable, offline?)',
    ECONNREFUSED: 'the connection was refused (ECONNREFUSED)',
    ECONNRESET: 'the connection was reset (ECONNRESET)',
    ETIMEDOUT: 'the connection timed out (ETIMEDOUT)',
    EHOSTUNREACH: 'the host is unreachable (EHOSTUNREACH)',
    ENETUNREACH: 'the network is unreachable (ENETUNREACH; offline?)',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    UND_ERR_SOCKET: 'the connection closed early',
  };
  const reason = (code && reasons[code]) ?? [code, cause?.message ?? err.message].filter(Boolean).join(' ');
  return `${host}: ${reason} fetching ${url}`;
}

/**
 * The operator names these URLs (and the digests guard their bytes), so unlike training sources any address
 * may be reached, an internal model server included; the deadline, the size cap and the redirect limit hold.
 */
async function fetchBytes(url: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Buffer> {
  try {
    return await safeFetch(url, { timeoutMs, maxBytes: MAX_FILE_BYTES, maxRedirects: 5, allowAddress: () => true });
  } catch (error) {
    if (!(error instanceof SafeFetchError)) throw error;
    if (error.reason === 'status') {
      const { status, statusText } = error.details;
      throw new HttpStatusError(`cannot fetch from ${new URL(url).host}: HTTP ${status}${statusText ? ` ${statusText}` : ''} for ${url}`, status!);
    }
    if (error.reason === 'too-large') throw new DownloadError(`${url} is larger than ${MAX_FILE_BYTES} bytes`);
    throw new DownloadError(`cannot fetch from ${describeFetchFailure(url, error, timeoutMs)}`);
  }
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
