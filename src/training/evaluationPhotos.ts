import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ErrorCode, GatewayError } from '../errors';
import type { ModelEvaluation } from './evaluate';
import { EVALUATION_THRESHOLD, KEPT_NAMED, metricsAt, precisionRecallCurve, topOf, unknownThreshold, type ScoredSet, type ThresholdMetrics } from './thresholdMetrics';
import { asJpegDataUrl } from './thumbnail';

/**
 * The TEST photos of an evaluation, kept in the model folder beside evaluation.json (so they travel with
 * every version the repository publishes): evaluation-photos.json holds each photo's path (relative to
 * the dataset), true labels and scores; evaluation-thumbnails.bin the small JPEGs one after another,
 * which the JSON points into by offset and length. Read on first use, then cached.
 */
export const PHOTOS_FILE = 'evaluation-photos.json';
export const THUMBNAILS_FILE = 'evaluation-thumbnails.bin';
/** TEST photos that get a thumbnail; the rest are kept without one. */
export const MAX_THUMBNAILS = 2000;

export interface EvaluatedPhoto {
  path: string;
  trueLabels: string[];
  predictedLabel: string;
  score: number;
  scores: number[];
  /** `data:image/jpeg;base64,...`, or null when none was kept. */
  thumbnail: string | null;
}

interface StoredFile {
  version: 1;
  labels: string[];
  multiLabel: boolean;
  /** Per photo: path, indices of its true labels, scores (label order), [offset, length] in the thumbnails file or null. */
  photos: Array<{ path: string; labels: number[]; scores: number[]; thumbnail: [number, number] | null }>;
}

/** An evaluation's TEST photos as read back: the scores as a ScoredSet, the photos for listing. */
export interface EvaluationPhotos {
  labels: string[];
  set: ScoredSet;
  photos: EvaluatedPhoto[];
}

/** An evaluation as the API serves it: with the model folder its TEST photos are kept in, when known. */
/** `photosIn`: the model folder holding its TEST photos; `photosOwner`: who trained it (they are that caller's training data). */
export type ServedEvaluation = ModelEvaluation & { photosIn?: string; photosOwner?: string };

/** The two files of a set of TEST photos, to write into a model folder. */
export function evaluationPhotoFiles(set: ScoredSet, labels: string[], paths: string[], thumbnails: ReadonlyMap<number, Buffer>): Record<string, Buffer> {
  const parts: Buffer[] = [];
  let offset = 0;
  const photos = paths.map((photoPath, row) => {
    const thumbnail = thumbnails.get(row);
    let at: [number, number] | null = null;
    if (thumbnail) {
      at = [offset, thumbnail.length];
      parts.push(thumbnail);
      offset += thumbnail.length;
    }
    const scores = Array.from({ length: set.classes }, (_, c) => Math.round(set.scores[row * set.classes + c] * 1e6) / 1e6);
    const trueLabels = scores.map((_, c) => c).filter((c) => set.targets[row * set.classes + c] === 1);
    return { path: photoPath, labels: trueLabels, scores, thumbnail: at };
  });
  const file: StoredFile = { version: 1, labels, multiLabel: set.multiLabel, photos };
  return { [PHOTOS_FILE]: Buffer.from(JSON.stringify(file)), [THUMBNAILS_FILE]: Buffer.concat(parts) };
}

/** The files of the TEST split's photos as the evaluated model scored them, paths relative to the dataset. */
export function testPhotoFiles(
  test: { sources: string[]; targets: Float32Array },
  scores: Float32Array,
  dataset: { labels: string[]; multiLabel: boolean },
  thumbnails: ReadonlyMap<string, Buffer>,
  data: { kind: 'folder'; dir: string } | { kind: 'csv'; file: string },
): Record<string, Buffer> {
  const base = data.kind === 'folder' ? data.dir : path.dirname(data.file);
  const byRow = new Map(test.sources.flatMap((source, row) => (thumbnails.has(source) ? [[row, thumbnails.get(source)!] as const] : [])));
  const set = { scores, targets: test.targets, classes: dataset.labels.length, multiLabel: dataset.multiLabel };
  return evaluationPhotoFiles(
    set,
    dataset.labels,
    test.sources.map((source) => datasetRelative(source, base)),
    byRow,
  );
}

/** A photo's path as kept: relative to the dataset's folder (or the CSV's), never absolute; remote URIs as they are. */
export function datasetRelative(source: string, base: string): string {
  if (!path.isAbsolute(source)) return source;
  const relative = path.relative(base, source);
  return (relative.startsWith('..') ? path.basename(source) : relative).split(path.sep).join('/');
}

/** The TEST photos kept in `dir`, or undefined for a folder written before they were kept. */
export async function readEvaluationPhotos(dir: string): Promise<EvaluationPhotos | undefined> {
  const text = await fs.readFile(path.join(dir, PHOTOS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const file = JSON.parse(text) as StoredFile;
  const thumbnails = await fs.readFile(path.join(dir, THUMBNAILS_FILE)).catch(() => Buffer.alloc(0));
  const classes = file.labels.length;
  const scores = new Float32Array(file.photos.length * classes);
  const targets = new Float32Array(file.photos.length * classes);
  const photos = file.photos.map((photo, row): EvaluatedPhoto => {
    scores.set(photo.scores, row * classes);
    for (const label of photo.labels) targets[row * classes + label] = 1;
    const top = topOf(photo.scores, 0, classes);
    const [start, length] = photo.thumbnail ?? [0, 0];
    return {
      path: photo.path,
      trueLabels: photo.labels.map((label) => file.labels[label]),
      predictedLabel: file.labels[top.label],
      score: top.score,
      scores: photo.scores,
      thumbnail: photo.thumbnail && start + length <= thumbnails.length ? asJpegDataUrl(thumbnails.subarray(start, start + length)) : null,
    };
  });
  return { labels: file.labels, set: { scores, targets, classes, multiLabel: file.multiLabel }, photos };
}

/** Folders whose photos stay loaded (the latest used); a folder's files never change once written. */
const CACHED_FOLDERS = 8;
const cache = new Map<string, Promise<EvaluationPhotos | undefined>>();

/** readEvaluationPhotos, once per folder (and file version) while it is among the latest used. */
export async function cachedEvaluationPhotos(dir: string): Promise<EvaluationPhotos | undefined> {
  const stat = await fs.stat(path.join(dir, PHOTOS_FILE)).catch(() => undefined);
  if (!stat) return undefined;
  const key = `${path.resolve(dir)}\n${stat.mtimeMs}`;
  const loading = cache.get(key) ?? readEvaluationPhotos(dir);
  cache.delete(key);
  cache.set(key, loading);
  for (const old of [...cache.keys()].slice(0, Math.max(0, cache.size - CACHED_FOLDERS))) cache.delete(old);
  loading.catch(() => cache.delete(key));
  return loading;
}

/** 0 <= threshold <= 1, else BAD_USER_INPUT. */
export function assertThreshold(threshold: number): void {
  if (!(threshold >= 0 && threshold <= 1)) throw new GatewayError(ErrorCode.BadUserInput, '`threshold` must be a number from 0 to 1.', { argument: 'threshold' });
}

/**
 * Metrics at `threshold`: from the kept scores; else (an evaluation written before they were kept) the
 * nearest point of the stored curve, or of `confidenceMetrics`, with `perClass` at 0.5 and 0 unlabelled.
 */
export function thresholdMetricsOf(evaluation: ModelEvaluation, photos: EvaluationPhotos | undefined, threshold: number): ThresholdMetrics {
  assertThreshold(threshold);
  if (photos) return metricsAt(photos.set, photos.labels, threshold);
  const points = evaluation.precisionRecallCurve?.length ? evaluation.precisionRecallCurve : evaluation.confidenceMetrics;
  const nearest = points.reduce<(typeof points)[number] | undefined>(
    (best, point) => (!best || Math.abs(point.threshold - threshold) < Math.abs(best.threshold - threshold) ? point : best),
    undefined,
  );
  return { threshold, precision: nearest?.precision ?? 0, recall: nearest?.recall ?? 0, f1: nearest?.f1 ?? 0, unlabelled: 0, perClass: evaluation.perClass };
}

/** The stored curve, else the one from the kept scores, else none. */
export function curveOf(evaluation: ModelEvaluation, photos: EvaluationPhotos | undefined) {
  return evaluation.precisionRecallCurve ?? (photos ? precisionRecallCurve(photos.set) : []);
}

/**
 * The "none of these classes" threshold: as stored, or from the kept scores; for an evaluation with
 * neither, the highest of `confidenceMetrics`' thresholds at which recall still keeps 95% of `accuracy`
 * (above 0.5 a single-label photo's true label can only be given as its top label, so recall there is
 * the share of photos named right with at least that score), else 0 (no photo called unknown).
 */
export function unknownThresholdOf(evaluation: ModelEvaluation, photos: EvaluationPhotos | undefined): number {
  if (evaluation.unknownThreshold !== undefined) return evaluation.unknownThreshold;
  if (photos) return unknownThreshold(photos.set);
  const kept = evaluation.confidenceMetrics.filter((point) => point.recall >= KEPT_NAMED * evaluation.accuracy);
  return kept.length ? Math.max(...kept.map((point) => point.threshold)) : 0;
}

export interface PhotoFilter {
  trueLabel?: string | null;
  predictedLabel?: string | null;
  first: number;
}

/**
 * The photos of a confusion-matrix cell (or a row, or a column): true label among the photo's labels;
 * predicted as the top score (multi-label: the label scores at least 0.5), in TEST order.
 */
export function filterPhotos(photos: EvaluationPhotos | undefined, { trueLabel, predictedLabel, first }: PhotoFilter): EvaluatedPhoto[] {
  if (!Number.isInteger(first) || first < 1 || first > 500) throw new GatewayError(ErrorCode.BadUserInput, '`first` must be an integer from 1 to 500.', { argument: 'first' });
  if (!photos) return [];
  const predicted = predictedLabel == null ? -1 : photos.labels.indexOf(predictedLabel);
  if ((trueLabel != null && !photos.labels.includes(trueLabel)) || (predictedLabel != null && predicted < 0)) return [];
  const chosen: EvaluatedPhoto[] = [];
  for (const photo of photos.photos) {
    if (chosen.length >= first) break;
    if (trueLabel != null && !photo.trueLabels.includes(trueLabel)) continue;
    if (predicted >= 0 && (photos.set.multiLabel ? photo.scores[predicted] < EVALUATION_THRESHOLD : photo.predictedLabel !== predictedLabel)) continue;
    chosen.push(photo);
  }
  return chosen;
}
