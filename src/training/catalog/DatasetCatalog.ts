import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from '../../config';
import { logger } from '../../logger';
import { DecodeGate } from '../../models/decodeGate';
import { readAutoMlCsv } from '../dataset/readAutoMlCsv';
import { readFolderDataset } from '../dataset/readFolderDataset';
import { DatasetError, type Dataset } from '../dataset/types';
import { SourceReader } from '../sources/SourceReader';
import type { CatalogClass, CatalogDataset, CatalogPhoto } from './catalogTypes';
import { datasetWarnings, duplicateGroups } from './datasetWarnings';
import { discoverDatasets, type DatasetCandidate } from './discoverDatasets';
import { FileKeyedCache } from './fileKeyedCache';
import { sampleThumbnail } from './thumbnails';

export const SAMPLES_PER_CLASS = 3;
/** Files of a label tried for its samples: a broken one is skipped for the next. */
const SAMPLE_CANDIDATES = 8;
/** Larger datasets get no DUPLICATES check: hashing them would cost a listing minutes. */
export const MAX_HASHED_PHOTOS = 20_000;
const MAX_CSV_BYTES = 20 * 1024 * 1024;
/** A listing is read again when its folder or CSV changes, and at the latest after this long (photos deeper down may have changed). */
const LISTING_MAX_AGE_MS = 5 * 60_000;
/** Files hashed or thumbnailed at once by one catalog: a listing never floods the thread pool or the decode gate's queue. */
const FILE_WORK_CONCURRENCY = 2;
const FILES_PER_BATCH = 64;

type CatalogSettings = Pick<GatewayConfig, 'trainingRemoteSources' | 'maxImagePixels' | 'decode'>;

/**
 * The datasets under TRAINING_DATA_ROOT that trainModel can read, read by training's own readers (the
 * same files, labels and refusals), with label counts, warnings and sample thumbnails. Listings, content
 * hashes and thumbnails are cached: a repeated listing costs a walk of the folders' first two levels and a
 * stat per dataset. A candidate the readers refuse is no dataset (logged once, with the reason).
 */
export class DatasetCatalog {
  private readonly listings = new Map<string, { signature: string; at: number; listing: Promise<CatalogDataset | undefined> }>();
  private readonly hashes = new FileKeyedCache<string>(100_000);
  private readonly thumbnails = new FileKeyedCache<string | undefined>(5_000);
  private readonly fileWork = new DecodeGate(FILE_WORK_CONCURRENCY, Number.MAX_SAFE_INTEGER);
  private readonly reader: SourceReader;
  private readonly logged = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly settings: CatalogSettings,
  ) {
    this.reader = new SourceReader({ localRoot: root });
  }

  async list(): Promise<CatalogDataset[]> {
    const realRoot = await fs.realpath(this.root).catch(() => undefined);
    if (!realRoot) {
      this.logOnce('', 'TRAINING_DATA_ROOT cannot be read: no training datasets to list');
      return [];
    }
    const candidates = await discoverDatasets(realRoot);
    const listed: CatalogDataset[] = [];
    for (const candidate of candidates) {
      const dataset = await this.listingOf(realRoot, candidate);
      if (dataset) listed.push(dataset);
    }
    const current = new Set(candidates.map((candidate) => candidate.path));
    for (const known of this.listings.keys()) if (!current.has(known)) this.listings.delete(known);
    return listed;
  }

  /** Up to SAMPLES_PER_CLASS thumbnails of the label's photos; files that cannot be decoded are skipped. */
  async samples(entry: CatalogClass): Promise<CatalogPhoto[]> {
    const realRoot = await fs.realpath(this.root).catch(() => undefined);
    if (!realRoot) return [];
    const photos: CatalogPhoto[] = [];
    for (const source of entry.sampleSources) {
      if (photos.length >= SAMPLES_PER_CLASS) break;
      const thumbnail = await this.thumbnails.get(source, (file) => this.fileWork.run(1, async () => sampleThumbnail(await this.reader.read(file), this.settings)));
      if (thumbnail) photos.push({ path: relativePath(realRoot, source), thumbnail });
    }
    return photos;
  }

  private async listingOf(realRoot: string, candidate: DatasetCandidate): Promise<CatalogDataset | undefined> {
    const signature = await signatureOf(candidate);
    const cached = this.listings.get(candidate.path);
    if (cached && cached.signature === signature && Date.now() - cached.at < LISTING_MAX_AGE_MS) return cached.listing;
    const listing = this.read(realRoot, candidate).catch((error: unknown) => {
      this.logOnce(`${candidate.path}\0${signature}`, `${candidate.path} is not listed as a training dataset: ${(error as Error).message}`);
      return undefined;
    });
    this.listings.set(candidate.path, { signature, at: Date.now(), listing });
    return listing;
  }

  private async read(realRoot: string, candidate: DatasetCandidate): Promise<CatalogDataset> {
    const dataset = await this.readDataset(realRoot, candidate);
    const local = dataset.items.filter((item) => path.isAbsolute(item.source));
    const classes = new Map<string, CatalogClass>(dataset.labels.map((label) => [label, { label, photoCount: 0, sampleSources: [] }]));
    for (const item of dataset.items) {
      for (const label of item.labels) {
        const entry = classes.get(label)!;
        entry.photoCount++;
        if (path.isAbsolute(item.source) && entry.sampleSources.length < SAMPLE_CANDIDATES) entry.sampleSources.push(item.source);
      }
    }
    const duplicates = local.length <= MAX_HASHED_PHOTOS ? duplicateGroups(await this.hashAll(realRoot, local)) : [];
    const listed = [...classes.values()];
    return { path: candidate.path, kind: candidate.kind, photoCount: dataset.items.length, classes: listed, warnings: datasetWarnings(listed, duplicates) };
  }

  /** Exactly what trainModel reads for `data` (FOLDER) or `csv` (CSV), refusals included. */
  private async readDataset(realRoot: string, candidate: DatasetCandidate): Promise<Dataset> {
    if (candidate.kind === 'FOLDER') return readFolderDataset(candidate.location, realRoot);
    const { size } = await fs.stat(candidate.location);
    if (size > MAX_CSV_BYTES) throw new DatasetError(`the CSV is larger than ${MAX_CSV_BYTES} bytes`);
    return readAutoMlCsv(candidate.location, { localRoot: realRoot, remote: this.settings.trainingRemoteSources });
  }

  private async hashAll(realRoot: string, items: Dataset['items']): Promise<Array<{ path: string; hash: string; labels: string[] }>> {
    const hashed: Array<{ path: string; hash: string; labels: string[] }> = [];
    for (let start = 0; start < items.length; start += FILES_PER_BATCH) {
      const batch = items.slice(start, start + FILES_PER_BATCH);
      const hashes = await Promise.all(batch.map((item) => this.hashes.get(item.source, (file) => this.fileWork.run(1, () => this.sha1(file)))));
      batch.forEach((item, index) => {
        const hash = hashes[index];
        if (hash) hashed.push({ path: relativePath(realRoot, item.source), hash, labels: item.labels });
      });
    }
    return hashed;
  }

  private async sha1(file: string): Promise<string> {
    return createHash('sha1')
      .update(await this.reader.read(file))
      .digest('hex');
  }

  private logOnce(key: string, message: string): void {
    if (this.logged.has(key)) return;
    this.logged.add(key);
    logger.warn(message);
  }
}

/** What changes when a dataset's own folder or CSV changes: the CSV's size and time, or the folder's and its class folders' times. */
async function signatureOf(candidate: DatasetCandidate): Promise<string> {
  const stat = await fs.stat(candidate.location).catch(() => undefined);
  if (!stat) return 'missing';
  if (candidate.kind === 'CSV') return `${stat.size}:${stat.mtimeMs}`;
  const names = (await fs.readdir(candidate.location).catch(() => [])).filter((name) => !name.startsWith('.')).sort();
  const times = await Promise.all(names.map(async (name) => (await fs.stat(path.join(candidate.location, name)).catch(() => undefined))?.mtimeMs ?? 0));
  return [stat.mtimeMs, ...names.map((name, index) => `${name}@${times[index]}`)].join('\0');
}

const relativePath = (realRoot: string, file: string) => path.relative(realRoot, file).split(path.sep).join('/');

const catalogs = new WeakMap<object, DatasetCatalog>();

/** The gateway's catalog (one per configuration, so its caches live as long as the gateway); undefined when TRAINING_DATA_ROOT is unset. */
export function datasetCatalogFor(config: Pick<GatewayConfig, 'trainingDataRoot'> & CatalogSettings): DatasetCatalog | undefined {
  if (!config.trainingDataRoot) return undefined;
  let catalog = catalogs.get(config);
  if (!catalog) catalogs.set(config, (catalog = new DatasetCatalog(path.resolve(config.trainingDataRoot), config)));
  return catalog;
}
