import { performance } from 'node:perf_hooks';
import type { BackboneInfo, BackboneSource } from '../embeddings/backbone/Backbone';
import { DEFAULT_BACKBONE, loadBackbone } from '../embeddings/backbone/loadBackbone';
import type { Tf } from '../models/tfBackend';
import { assignSplits, DEFAULT_FRACTIONS, type SplitFractions } from './dataset/assignSplits';
import { readAutoMlCsv } from './dataset/readAutoMlCsv';
import { readFolderDataset } from './dataset/readFolderDataset';
import type { Dataset } from './dataset/types';
import { EmbeddingCache } from './EmbeddingCache';
import { embedDataset } from './embedDataset';
import { evaluate, type ModelEvaluation } from './evaluate';
import { buildHeadLayers, predictHead, trainHead, type EpochReport, type HeadOptions } from './head';
import { SourceReader } from './sources/SourceReader';
import { writeModelFolder } from './writeModelFolder';

export type TrainingData = { kind: 'folder'; dir: string } | { kind: 'csv'; file: string; localRoot?: string };

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
  seed?: number;
  /** Fractions for images without a split in the data. */
  split?: SplitFractions;
  /** Where embeddings are cached between runs; unset disables the cache. */
  cacheDir?: string;
  gcsApiEndpoint?: string;
  maxImagePixels?: number;
}

export type TrainStage = 'reading' | 'embedding' | 'training' | 'evaluating' | 'saving';

export interface TrainProgress {
  stage: TrainStage;
  /** Whole run, 0 to 1. */
  progress: number;
  done?: number;
  total?: number;
  epoch?: EpochReport;
}

export interface TrainResult {
  out: string;
  labels: string[];
  multiLabel: boolean;
  backbone: BackboneInfo;
  evaluation: ModelEvaluation;
  /** Accuracy of the head on its own TRAIN embeddings: far below 1 means the head underfits. */
  trainAccuracy: number;
  images: { train: number; validation: number; test: number };
  failures: Array<{ source: string; message: string }>;
  embeddings: { computed: number; cached: number };
  seconds: { embedding: number; training: number; total: number };
  history: EpochReport[];
}

export const TRAINING_DEFAULTS = { epochs: 30, batchSize: 32, learningRate: 0.001, hiddenUnits: 0, l2: 0.0001, augment: 0, seed: 42 };

// Share of the run's progress given to each stage (embedding dominates on a CPU).
const EMBEDDING_SHARE = 0.7;
const TRAINING_SHARE = 0.25;

/**
 * Transfer learning: a frozen backbone embeds every image once (cached), a small dense head learns
 * the labels from the embeddings, the TEST split is scored, and the backbone with the head grafted
 * on is written as one model that takes an image.
 */
export async function trainClassifier(tf: Tf, options: TrainOptions, onProgress?: (progress: TrainProgress) => void): Promise<TrainResult> {
  const started = performance.now();
  const settings = { ...TRAINING_DEFAULTS, ...definedOnly(options) };
  const report = (progress: TrainProgress) => onProgress?.(progress);

  report({ stage: 'reading', progress: 0 });
  const dataset = assignSplits(await readDataset(options.data), options.split ?? DEFAULT_FRACTIONS, settings.seed);
  const backbone = await loadBackbone(tf, options.backbone ?? DEFAULT_BACKBONE);
  try {
    const embedded = await embedDataset({
      dataset,
      backbone,
      reader: new SourceReader({ gcsApiEndpoint: options.gcsApiEndpoint }),
      cache: new EmbeddingCache(options.cacheDir, backbone.info.id),
      augment: settings.augment,
      seed: settings.seed,
      batchSize: 16,
      maxImagePixels: options.maxImagePixels ?? 40_000_000,
      onProgress: (done, total) => report({ stage: 'embedding', progress: (EMBEDDING_SHARE * done) / total, done, total }),
    });
    const { TRAIN: train, VALIDATION: validation, TEST: test } = embedded.splits;
    if (test.count === 0) throw new Error('no TEST images to evaluate on: mark some rows TEST or leave splits empty to have them assigned');
    const embeddingDone = performance.now();

    const headOptions: HeadOptions = { ...settings, multiLabel: dataset.multiLabel };
    const head = buildHeadLayers(tf, backbone.info.featureSize, dataset.labels.length, headOptions);
    const history: EpochReport[] = [];
    const trained = await trainHead(tf, head, train, validation, headOptions, (epoch) => {
      history.push(epoch);
      report({ stage: 'training', progress: EMBEDDING_SHARE + (TRAINING_SHARE * epoch.epoch) / epoch.epochs, epoch });
    });
    const trainingDone = performance.now();

    report({ stage: 'evaluating', progress: EMBEDDING_SHARE + TRAINING_SHARE });
    const evaluation = evaluate(predictHead(tf, trained, test), test.targets, dataset.labels, dataset.multiLabel);
    const trainAccuracy = evaluate(predictHead(tf, trained, train), train.targets, dataset.labels, dataset.multiLabel).accuracy;

    report({ stage: 'saving', progress: 0.98 });
    const seconds = { embedding: (embeddingDone - started) / 1000, training: (trainingDone - embeddingDone) / 1000, total: 0 };
    const classifier = backbone.classifierWith(head);
    try {
      await writeModelFolder(tf, classifier, options.out, {
        labels: dataset.labels,
        inputSize: backbone.info.inputSize,
        inputRange: backbone.info.inputRange,
        outputs: 'probabilities',
        multiLabel: dataset.multiLabel,
        backbone: backbone.info.id,
        evaluation,
        training: {
          trainedAt: new Date().toISOString(),
          images: { train: train.count, validation: validation.count, test: test.count },
          ...settings,
          finalLoss: history.at(-1)?.loss,
          trainAccuracy,
          seconds: { embedding: round(seconds.embedding), training: round(seconds.training) },
        },
      });
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
      evaluation,
      trainAccuracy,
      images: { train: train.count, validation: validation.count, test: test.count },
      failures: embedded.failures,
      embeddings: { computed: embedded.computed, cached: embedded.cached },
      seconds,
      history,
    };
  } finally {
    backbone.dispose();
  }
}

function readDataset(data: TrainingData): Promise<Dataset> {
  return data.kind === 'folder' ? readFolderDataset(data.dir) : readAutoMlCsv(data.file, { localRoot: data.localRoot });
}

function definedOnly(options: TrainOptions): Partial<typeof TRAINING_DEFAULTS> {
  const picked: Partial<typeof TRAINING_DEFAULTS> = {};
  for (const key of Object.keys(TRAINING_DEFAULTS) as Array<keyof typeof TRAINING_DEFAULTS>) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked;
}

const round = (value: number) => Math.round(value * 100) / 100;
