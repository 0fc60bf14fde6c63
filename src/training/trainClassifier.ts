import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Backbone, BackboneInfo, BackboneSource } from '../backbone/Backbone';
import { DEFAULT_BACKBONE, loadBackbone } from '../backbone/loadBackbone';
import type { Tf } from '../models/tfBackend';
import { assertTreeInside } from './dataset/assertInside';
import { assignSplits, DEFAULT_FRACTIONS, type SplitFractions } from './dataset/assignSplits';
import { readAutoMlCsv } from './dataset/readAutoMlCsv';
import { readFolderDataset } from './dataset/readFolderDataset';
import { DatasetError, type Dataset } from './dataset/types';
import { EmbeddingCache } from './EmbeddingCache';
import { EncoderPool } from './EncoderPool';
import { embedDataset, type ImageEncoder } from './embedDataset';
import { evaluate, type ModelEvaluation } from './evaluate';
import { MAX_THUMBNAILS, testPhotoFiles } from './evaluationPhotos';
import { thumbnailOf } from './thumbnail';
import { predictThroughTop, type StepReport } from './fineTuneTop';
import { epochPlanOf, fitEpochsOf, totalEpochsOf, type EpochReport } from './epochReport';
import { disposeFit, fitClassifier, joinSplits, type FitOptions, type FittedClassifier } from './fitClassifier';
import { TrainableTop } from './TrainableTop';
import { withTrainingDefaults } from './trainingDefaults';
import type { RemoteSourcePolicy } from './sources/remoteSources';
import { SourceReader } from './sources/SourceReader';
import { writeModelFolder } from './writeModelFolder';

export type TrainingData = { kind: 'folder'; dir: string } | { kind: 'csv'; file: string };

/** What to train; each setting of TrainingSettings left unset is its default (TRAINING_DEFAULTS). */
export interface TrainOptions {
  data: TrainingData;
  /** Model folder to write. */
  out: string;
  backbone?: BackboneSource;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  hiddenUnits?: number;
  l2?: number;
  /** Augmented copies of each TRAIN image (flips, crops, brightness); 0 for none. */
  augment?: number;
  /**
   * The backbone layer whose output maps are cached: the layers after it, up to the last feature layer
   * (the backbone's final pooled vector unless the backbone source names features), are fine-tuned with
   * the head (e.g. SUGGESTED_FINE_TUNE_FROM on MobileNet V2). Default, or 'none': the backbone stays
   * frozen (see TRAINING_DEFAULTS for why).
   */
  fineTuneFrom?: string;
  /** Epochs of fine-tuning after the head's `epochs` (0: head only). */
  fineTuneEpochs?: number;
  fineTuneLearningRate?: number;
  /** Also learn from each image's mirror image (left-right), at no extra backbone cost per epoch. */
  mirror?: boolean;
  /** Serve a model trained again on every labelled image once TEST is scored (the evaluation stays the held-out one). */
  refitOnAllPhotos?: boolean;
  /** Worker threads that encode the images through the frozen backbone (default: one per core; 0: this thread). */
  encoderThreads?: number;
  seed?: number;
  /** Fractions for images without a split in the data. */
  split?: SplitFractions;
  /** Where embeddings are cached between runs; unset disables the cache. */
  cacheDir?: string;
  /** The cache's byte budget (TRAINING_CACHE_MAX_BYTES). */
  cacheMaxBytes?: number;
  /** Images decoded at once (unset: a whole batch); the gateway's jobs set 1. */
  decodeConcurrency?: number;
  gcsApiEndpoint?: string;
  maxImagePixels?: number;
  /**
   * When set (the gateway sets TRAINING_DATA_ROOT), every local file training reads (images, CSV rows,
   * the backbone folder) must lie inside it once symbolic links are resolved.
   */
  dataRoot?: string;
  /** Hosts and buckets that remote CSV rows may name (TRAINING_REMOTE_SOURCES); unset: local rows only. */
  remoteSources?: RemoteSourcePolicy;
  /** Recorded in the model folder's gateway marker (.gateway-model.json). */
  owner?: string;
  jobId?: string;
}

export type TrainStage = 'reading' | 'embedding' | 'training' | 'evaluating' | 'refitting' | 'saving';

export interface TrainProgress {
  stage: TrainStage;
  /** Whole run, 0 to 1. */
  progress: number;
  done?: number;
  total?: number;
  epoch?: EpochReport;
  /** Each mini-batch while fine-tuning (its epochs are slow enough to want more than one report each). */
  step?: StepReport;
  /** While training: the refit's examples over the evaluated fit's (it learns on every labelled image), for the ETA. */
  refitScale?: number;
}

export interface TrainResult {
  out: string;
  labels: string[];
  multiLabel: boolean;
  backbone: BackboneInfo;
  /** The cut layer when the backbone's top was fine-tuned, else undefined (frozen backbone). */
  fineTunedFrom?: string;
  evaluation: ModelEvaluation;
  /**
   * The trainer's own scores of each TEST image (count × labels) by the evaluated model: the saved model
   * gives them too unless it was refit.
   */
  testScores: { sources: string[]; scores: Float32Array };
  /** Accuracy of the head on its own TRAIN embeddings: far below 1 means the head underfits. */
  trainAccuracy: number;
  images: { train: number; validation: number; test: number };
  /** Images the served model was refit on (every labelled one), or undefined when it is the evaluated model. */
  refitImages?: number;
  failures: Array<{ source: string; message: string }>;
  embeddings: { computed: number; cached: number };
  seconds: { embedding: number; training: number; total: number };
  history: EpochReport[];
}

/**
 * Where fine-tuning can start on MobileNet V2 for its final pooled vector (--fine-tune-from conv_33): the
 * final 1x1 conv (320 -> 1280).
 */
export const SUGGESTED_FINE_TUNE_FROM = 'conv_33';

// Share of the run's progress given to each stage (embedding dominates on a CPU).
const EMBEDDING_SHARE = 0.7;
const TRAINING_SHARE = 0.25;

/**
 * Transfer learning: the frozen bottom of the backbone encodes every image (and its mirror image) once,
 * cached; a dense head learns the labels on the pooled features; with `fineTuneFrom`, the backbone's top
 * layers after it are then fine-tuned with the head on the cached maps. The TEST split is scored; with
 * `refitOnAllPhotos` the same settings are then trained again on every labelled image. The backbone
 * (with its fine-tuned top) and the last head are written as one layers model that takes an image.
 */
export async function trainClassifier(tf: Tf, options: TrainOptions, onProgress?: (progress: TrainProgress) => void): Promise<TrainResult> {
  const started = performance.now();
  const settings = withTrainingDefaults(options);
  const report = (progress: TrainProgress) => onProgress?.(progress);

  report({ stage: 'reading', progress: 0 });
  const dataset = assignSplits(await readDataset(options), options.split ?? DEFAULT_FRACTIONS, settings.seed);
  if (options.dataRoot && options.backbone && options.backbone.dir !== DEFAULT_BACKBONE.dir) await assertTreeInside(options.dataRoot, options.backbone.dir, 'the backbone folder');
  const fineTuneFrom = options.fineTuneFrom && options.fineTuneFrom !== 'none' ? options.fineTuneFrom : undefined;
  const backbone = await loadBackbone(tf, options.backbone ?? DEFAULT_BACKBONE);
  let top: TrainableTop | undefined;
  let fit: FittedClassifier | undefined;
  let inClassifier = false;
  try {
    if (fineTuneFrom) top = TrainableTop.between(tf, backbone.full, fineTuneFrom, backbone.info.featureLayer);
    const encoder = await encoderOf(backbone, top, options.encoderThreads ?? os.availableParallelism());
    const embedded = await embedDataset({
      dataset,
      encoder,
      mirror: settings.mirror,
      reader: new SourceReader({ gcsApiEndpoint: options.gcsApiEndpoint, remote: options.remoteSources, localRoot: options.dataRoot }),
      cache: new EmbeddingCache(options.cacheDir, backbone.info.id, options.cacheMaxBytes),
      augment: settings.augment,
      seed: settings.seed,
      batchSize: 16,
      maxImagePixels: options.maxImagePixels ?? 40_000_000,
      decodeConcurrency: options.decodeConcurrency,
      onProgress: (done, total) => report({ stage: 'embedding', progress: (EMBEDDING_SHARE * done) / total, done, total }),
      thumbnails: { split: 'TEST', max: MAX_THUMBNAILS, make: (bytes) => thumbnailOf(bytes, options.maxImagePixels ?? 40_000_000) },
    }).finally(() => encoder.close?.());
    const { TRAIN: train, VALIDATION: validation, TEST: test } = embedded.splits;
    if (test.count === 0) throw new DatasetError('no TEST images to evaluate on: mark some rows TEST or leave splits empty to have them assigned');
    const embeddingDone = performance.now();

    const plan = epochPlanOf(settings, top !== undefined);
    const fineTuneEpochs = plan.fineTune;
    const fitEpochs = fitEpochsOf(plan);
    const totalEpochs = totalEpochsOf(plan);
    const history: EpochReport[] = [];
    const stageOf = (epoch: number) => (epoch > fitEpochs ? 'refitting' : 'training');
    const refitScale = settings.refitOnAllPhotos && train.count > 0 ? (train.count + validation.count + test.count) / train.count : undefined;
    const onEpoch = (epoch: EpochReport) => {
      history.push(epoch);
      report({ stage: stageOf(epoch.epoch), progress: EMBEDDING_SHARE + (TRAINING_SHARE * epoch.epoch) / totalEpochs, epoch, refitScale });
    };
    const onStep = (step: StepReport) =>
      report({ stage: stageOf(step.epoch), progress: EMBEDDING_SHARE + (TRAINING_SHARE * (step.epoch - 1 + step.step / step.steps)) / totalEpochs, step, refitScale });
    const fitOptions: FitOptions = {
      settings: { ...settings, fineTuneEpochs },
      multiLabel: dataset.multiLabel,
      featureSize: backbone.info.featureSize,
      classes: dataset.labels.length,
      epochOffset: 0,
      totalEpochs,
    };
    fit = await fitClassifier(tf, top, train, validation, fitOptions, onEpoch, onStep);

    report({ stage: 'evaluating', progress: EMBEDDING_SHARE + (TRAINING_SHARE * fitEpochs) / totalEpochs });
    // Scored as the saved model scores: with mirror images, each image and its mirror image averaged.
    const testScores = predictThroughTop(tf, top, fit.trained, test, settings.mirror);
    const evaluation = evaluate(testScores, test.targets, dataset.labels, dataset.multiLabel);
    const photoFiles = testPhotoFiles(test, testScores, dataset, embedded.thumbnails, options.data);
    const trainAccuracy = evaluate(predictThroughTop(tf, top, fit.trained, train, settings.mirror), train.targets, dataset.labels, dataset.multiLabel).accuracy;

    // The refit: the same settings from the same starting weights (the backbone's layers are untouched
    // until writeBack), on every labelled image; no image is left to validate on.
    let refitImages: number | undefined;
    if (settings.refitOnAllPhotos) {
      const evaluated = fit;
      fit = undefined;
      disposeFit(evaluated, false);
      top?.dispose();
      top = undefined; // not disposed twice should the next line throw
      top = fineTuneFrom ? TrainableTop.between(tf, backbone.full, fineTuneFrom, backbone.info.featureLayer) : undefined;
      const all = joinSplits([train, validation, test]);
      refitImages = new Set(all.sources).size; // TRAIN's augmented copies share their image's source
      fit = await fitClassifier(
        tf,
        top,
        all,
        undefined,
        { ...fitOptions, epochOffset: fitEpochs },
        (epoch) => onEpoch({ ...epoch, refit: true, phaseEpoch: epoch.epoch - fitEpochs, phaseEpochs: fitEpochs }),
        onStep,
      );
    }
    top?.writeBack();
    const trainingDone = performance.now();

    report({ stage: 'saving', progress: 0.98 });
    const seconds = { embedding: (embeddingDone - started) / 1000, training: (trainingDone - embeddingDone) / 1000, total: 0 };
    const images = { train: train.count, validation: validation.count, test: test.count };
    const classifier = backbone.classifierWith(fit.layers);
    inClassifier = true;
    await writeModelFolder(
      tf,
      classifier,
      options.out,
      {
        labels: dataset.labels,
        inputSize: backbone.info.inputSize,
        inputRange: backbone.info.inputRange,
        outputs: 'probabilities',
        ...(settings.mirror ? { testTimeMirror: true } : {}),
        multiLabel: dataset.multiLabel,
        backbone: backbone.info.id,
        evaluation,
        training: {
          trainedAt: new Date().toISOString(),
          images: refitImages ? { ...images, refit: refitImages } : images,
          ...settings,
          fineTuneEpochs,
          fineTunedFrom: top?.cutLayer ?? null,
          finalLoss: history.at(-1)?.loss,
          trainAccuracy,
          seconds: { embedding: round(seconds.embedding), training: round(seconds.training) },
        },
      },
      { owner: options.owner, jobId: options.jobId },
      photoFiles,
    );
    seconds.total = (performance.now() - started) / 1000;
    report({ stage: 'saving', progress: 1 });
    return {
      out: options.out,
      labels: dataset.labels,
      multiLabel: dataset.multiLabel,
      backbone: backbone.info,
      fineTunedFrom: top?.cutLayer,
      evaluation,
      testScores: { sources: test.sources, scores: testScores },
      trainAccuracy,
      images,
      refitImages,
      failures: embedded.failures,
      embeddings: { computed: embedded.computed, cached: embedded.cached },
      seconds,
      history,
    };
  } finally {
    if (fit) disposeFit(fit, inClassifier);
    top?.dispose();
    backbone.dispose();
  }
}

/**
 * Cached per image: the maps at the cut when the top is fine-tuned, else the pooled embedding; computed
 * in `threads` worker threads (each with its own copy of the backbone), or in this one for 0.
 */
async function encoderOf(backbone: Backbone, top: TrainableTop | undefined, threads: number): Promise<ImageEncoder & { close?(): Promise<void> }> {
  const { inputSize, featureSize, id } = backbone.info;
  const maps = top ? backbone.activationsAt(top.cutLayer) : undefined;
  const described = { id: top ? `${id}@${top.cutLayer}` : id, size: maps ? maps.shape.reduce((a, b) => a * b, 1) : featureSize, inputSize };
  if (threads < 1) return { ...described, encode: maps ? maps.encode : (pixels, count) => backbone.embed(pixels, count) };
  const pool = await EncoderPool.start(backbone.info.source, top?.cutLayer, threads);
  return { ...described, encode: (pixels, count) => pool.encode(pixels, count), close: () => pool.close() };
}

function readDataset({ data, dataRoot, remoteSources }: TrainOptions): Promise<Dataset> {
  return data.kind === 'folder' ? readFolderDataset(data.dir, dataRoot) : readAutoMlCsv(data.file, { localRoot: dataRoot, remote: remoteSources });
}

const round = (value: number) => Math.round(value * 100) / 100;
