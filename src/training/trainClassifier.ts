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
import { embedDataset, type ImageEncoder, type SplitData } from './embedDataset';
import { evaluate, type ModelEvaluation } from './evaluate';
import { fineTuneTop, poolThroughTop, predictThroughTop, type StepReport } from './fineTuneTop';
import type { EpochReport } from './epochReport';
import { buildHeadLayers, trainHead, type HeadOptions } from './head';
import { Standardizer } from './standardize';
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
   * The backbone layer whose output maps are cached: the layers after it, up to the last feature layer,
   * are fine-tuned with the head. Default: DEFAULT_FINE_TUNE_FROM with DEFAULT_TRAINING_FEATURES (on a
   * backbone that has them), else none. Asked for alone, the features are the final pooled vector (e.g.
   * SUGGESTED_FINE_TUNE_FROM on MobileNet V2). 'none' keeps the whole backbone frozen.
   */
  fineTuneFrom?: string;
  /** Epochs of fine-tuning after the head's `epochs` (0: head only). */
  fineTuneEpochs?: number;
  fineTuneLearningRate?: number;
  /** Also learn from each image's mirror image (left-right), at no extra backbone cost per epoch. */
  mirror?: boolean;
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

export type TrainStage = 'reading' | 'embedding' | 'training' | 'evaluating' | 'saving';

export interface TrainProgress {
  stage: TrainStage;
  /** Whole run, 0 to 1. */
  progress: number;
  done?: number;
  total?: number;
  epoch?: EpochReport;
  /** Each mini-batch while fine-tuning (its epochs are slow enough to want more than one report each). */
  step?: StepReport;
}

export interface TrainResult {
  out: string;
  labels: string[];
  multiLabel: boolean;
  backbone: BackboneInfo;
  /** The cut layer when the backbone's top was fine-tuned, else undefined (frozen backbone). */
  fineTunedFrom?: string;
  evaluation: ModelEvaluation;
  /** The trainer's own scores of each TEST image (count × labels), as the saved model should give them. */
  testScores: { sources: string[]; scores: Float32Array };
  /** Accuracy of the head on its own TRAIN embeddings: far below 1 means the head underfits. */
  trainAccuracy: number;
  images: { train: number; validation: number; test: number };
  failures: Array<{ source: string; message: string }>;
  embeddings: { computed: number; cached: number };
  seconds: { embedding: number; training: number; total: number };
  history: EpochReport[];
}

/**
 * What the head learns from on the default backbone (MobileNet V2): block 13's depthwise output (7x7x576,
 * average-pooled) and block 14's expansion (7x7x960, average- and max-pooled), concatenated; block 14's
 * expansion is then fine-tuned (DEFAULT_FINE_TUNE_FROM). Mid-level features describe petals, colours and
 * textures, which ImageNet's final 1280-d vector (tuned to ImageNet's classes) blurs: on the 500 shared
 * flower photos, 5-fold, with mirror images, the final vector scores 0.86-0.87 and this mix 0.89-0.91 frozen
 * (converged logistic regressions in Python on several splits: block 13 alone 0.89; 288-px inputs and adding
 * the final vector did not help).
 */
export const DEFAULT_TRAINING_FEATURES = 'dwconv_13,conv_28:avg+max';

/**
 * Where fine-tuning starts with DEFAULT_TRAINING_FEATURES: after block 13's projection (`conv_27`,
 * 7x7x160), so block 14's expansion (`conv_28`, 160 -> 960, the pooled maps) is fine-tuned with the head;
 * block 13's depthwise output is before the cut and stays frozen. Fine-tuning conv_27 as well did not gain.
 */
export const DEFAULT_FINE_TUNE_FROM = 'conv_27';

/**
 * Where fine-tuning can start on MobileNet V2 for its final pooled vector (--fine-tune-from conv_33): the
 * final 1x1 conv (320 -> 1280). On the shared flowers it
 * scored 0.858 against 0.872 for that vector frozen.
 */
export const SUGGESTED_FINE_TUNE_FROM = 'conv_33';

// Share of the run's progress given to each stage (embedding dominates on a CPU).
const EMBEDDING_SHARE = 0.7;
const TRAINING_SHARE = 0.25;

/**
 * Transfer learning: the frozen bottom of the backbone encodes every image (and its mirror image) once,
 * cached; a dense head learns the labels on the pooled features; then the backbone's top layers (after
 * `fineTuneFrom`) are fine-tuned with the head on the cached maps. The TEST split is scored, and the
 * backbone (with its fine-tuned top) and the head are written as one layers model that takes an image.
 */
export async function trainClassifier(tf: Tf, options: TrainOptions, onProgress?: (progress: TrainProgress) => void): Promise<TrainResult> {
  const started = performance.now();
  const settings = withTrainingDefaults(options);
  const report = (progress: TrainProgress) => onProgress?.(progress);

  report({ stage: 'reading', progress: 0 });
  const dataset = assignSplits(await readDataset(options), options.split ?? DEFAULT_FRACTIONS, settings.seed);
  if (options.dataRoot && options.backbone && options.backbone.dir !== DEFAULT_BACKBONE.dir) await assertTreeInside(options.dataRoot, options.backbone.dir, 'the backbone folder');
  const asked = options.fineTuneFrom && options.fineTuneFrom !== 'none' ? options.fineTuneFrom : undefined;
  // Fine-tuning from a cut of one's own trains up to the final pooled vector (unless features are named too);
  // otherwise the head learns from the mid-level features, with block 14's expansion fine-tuned by default.
  const backbone = await loadBackbone(tf, options.backbone ?? DEFAULT_BACKBONE, asked ? undefined : DEFAULT_TRAINING_FEATURES);
  let top: TrainableTop | undefined;
  try {
    const fineTuneFrom = asked ?? (options.fineTuneFrom === undefined && backbone.info.featureLayer === DEFAULT_TRAINING_FEATURES ? DEFAULT_FINE_TUNE_FROM : undefined);
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
    }).finally(() => encoder.close?.());
    const { TRAIN: train, VALIDATION: validation, TEST: test } = embedded.splits;
    if (test.count === 0) throw new DatasetError('no TEST images to evaluate on: mark some rows TEST or leave splits empty to have them assigned');
    const embeddingDone = performance.now();

    const fineTuneEpochs = top ? settings.fineTuneEpochs : 0;
    const totalEpochs = settings.epochs + fineTuneEpochs;
    const history: EpochReport[] = [];
    const onEpoch = (epoch: EpochReport) => {
      const counted = { ...epoch, epochs: totalEpochs };
      history.push(counted);
      report({ stage: 'training', progress: EMBEDDING_SHARE + (TRAINING_SHARE * counted.epoch) / totalEpochs, epoch: counted });
    };
    // The head first learns on the frozen (pooled) features, each image and its mirror image as examples,
    // standardised; the standardisation is then folded into its first layer.
    const pooled = (data: SplitData) => (top ? poolThroughTop(tf, top, data) : data);
    const headOptions: HeadOptions = { ...settings, multiLabel: dataset.multiLabel };
    const head = buildHeadLayers(tf, backbone.info.featureSize, dataset.labels.length, headOptions);
    const headTrain = withMirrored(pooled(train));
    const standardizer = Standardizer.fit(headTrain);
    const trained = await trainHead(tf, head, standardizer.apply(headTrain), standardizer.apply(pooled(validation)), headOptions, onEpoch);
    standardizer.foldInto(tf, head[0]);
    if (top && fineTuneEpochs > 0) {
      await fineTuneTop(
        tf,
        top,
        trained,
        train,
        validation,
        { ...settings, epochs: fineTuneEpochs, epochOffset: settings.epochs, totalEpochs, learningRate: settings.fineTuneLearningRate, multiLabel: dataset.multiLabel },
        onEpoch,
        (step) => report({ stage: 'training', progress: EMBEDDING_SHARE + (TRAINING_SHARE * (step.epoch - 1 + step.step / step.steps)) / totalEpochs, step }),
      );
    }
    top?.writeBack();
    const trainingDone = performance.now();

    report({ stage: 'evaluating', progress: EMBEDDING_SHARE + TRAINING_SHARE });
    // Scored as the saved model scores: with mirror images, each image and its mirror image averaged.
    const testScores = predictThroughTop(tf, top, trained, test, settings.mirror);
    const evaluation = evaluate(testScores, test.targets, dataset.labels, dataset.multiLabel);
    const trainAccuracy = evaluate(predictThroughTop(tf, top, trained, train, settings.mirror), train.targets, dataset.labels, dataset.multiLabel).accuracy;

    report({ stage: 'saving', progress: 0.98 });
    const seconds = { embedding: (embeddingDone - started) / 1000, training: (trainingDone - embeddingDone) / 1000, total: 0 };
    const classifier = backbone.classifierWith(head);
    try {
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
            images: { train: train.count, validation: validation.count, test: test.count },
            ...settings,
            fineTuneEpochs,
            fineTunedFrom: top?.cutLayer ?? null,
            finalLoss: history.at(-1)?.loss,
            trainAccuracy,
            seconds: { embedding: round(seconds.embedding), training: round(seconds.training) },
          },
        },
        { owner: options.owner, jobId: options.jobId },
      );
    } finally {
      // TF.js counts each application of a layer: the head has two (the training model and the classifier).
      trained.dispose();
      for (const layer of head) layer.dispose();
    }
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
      images: { train: train.count, validation: validation.count, test: test.count },
      failures: embedded.failures,
      embeddings: { computed: embedded.computed, cached: embedded.cached },
      seconds,
      history,
    };
  } finally {
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

/** The examples followed by their mirror images (when there are any). */
function withMirrored(data: SplitData): SplitData {
  if (!data.mirrored) return data;
  const doubled = (values: Float32Array) => {
    const out = new Float32Array(values.length * 2);
    out.set(values);
    out.set(values, values.length);
    return out;
  };
  const features = new Float32Array(data.features.length * 2);
  features.set(data.features);
  features.set(data.mirrored, data.features.length);
  return { count: data.count * 2, features, targets: doubled(data.targets), sources: [...data.sources, ...data.sources] };
}

function readDataset({ data, dataRoot, remoteSources }: TrainOptions): Promise<Dataset> {
  return data.kind === 'folder' ? readFolderDataset(data.dir, dataRoot) : readAutoMlCsv(data.file, { localRoot: dataRoot, remote: remoteSources });
}

const round = (value: number) => Math.round(value * 100) / 100;
