import type { Sequential, layers } from '@tensorflow/tfjs';
import type { Tf } from '../models/tfBackend';
import { concatenate } from '../typedArrays';
import type { SplitData } from './embedDataset';
import type { EpochReport } from './epochReport';
import { fineTuneTop, poolThroughTop, type StepReport } from './fineTuneTop';
import { buildHeadLayers, trainHead, type HeadOptions } from './head';
import { Standardizer } from './standardize';
import type { TrainableTop } from './TrainableTop';
import type { TrainingSettings } from './trainingDefaults';

export interface FitOptions {
  settings: TrainingSettings;
  multiLabel: boolean;
  featureSize: number;
  classes: number;
  /** Epoch numbers reports count on from (a refit follows the evaluated fit). */
  epochOffset: number;
  /** Every epoch of the run, for the reports. */
  totalEpochs: number;
}

export interface FittedClassifier {
  /** The head as trained (its first layer takes the raw features: the standardisation is folded in). */
  trained: Sequential;
  layers: layers.Layer[];
}

/**
 * One fit of a classifier on cached features: the head learns on the frozen (pooled) features, each
 * image and its mirror image as examples, standardised, the standardisation then folded into its first
 * layer; with a `top`, the backbone's top and the head are then fine-tuned together on the cached maps.
 */
export async function fitClassifier(
  tf: Tf,
  top: TrainableTop | undefined,
  train: SplitData,
  validation: SplitData | undefined,
  { settings, multiLabel, featureSize, classes, epochOffset, totalEpochs }: FitOptions,
  onEpoch: (epoch: EpochReport) => void,
  onStep: (step: StepReport) => void,
): Promise<FittedClassifier> {
  const pooled = (data: SplitData) => (top ? poolThroughTop(tf, top, data) : data);
  const headOptions: HeadOptions = { ...settings, multiLabel };
  const head = buildHeadLayers(tf, featureSize, classes, headOptions);
  const headTrain = withMirrored(pooled(train));
  const standardizer = Standardizer.fit(headTrain);
  const standardValidation = validation && validation.count > 0 ? standardizer.apply(pooled(validation)) : undefined;
  const headEpoch = (epoch: EpochReport) => onEpoch({ ...epoch, epoch: epochOffset + epoch.epoch, epochs: totalEpochs, phaseEpoch: epoch.epoch, phaseEpochs: settings.epochs });
  const trained = await trainHead(tf, head, standardizer.apply(headTrain), standardValidation, headOptions, headEpoch);
  standardizer.foldInto(tf, head[0]);
  if (top && settings.fineTuneEpochs > 0) {
    await fineTuneTop(
      tf,
      top,
      trained,
      train,
      validation,
      { ...settings, epochs: settings.fineTuneEpochs, epochOffset: epochOffset + settings.epochs, totalEpochs, learningRate: settings.fineTuneLearningRate, multiLabel },
      onEpoch,
      onStep,
    );
  }
  return { trained, layers: head };
}

/**
 * Frees a fit's head. TF.js counts each application of a layer: a head also applied in a classifier
 * (Backbone.classifierWith) has each of its layers disposed once more.
 */
export function disposeFit(fit: FittedClassifier, inClassifier: boolean): void {
  fit.trained.dispose();
  if (inClassifier) for (const layer of fit.layers) layer.dispose();
}

/** Every split's examples as one (the refit's data): mirror images kept only when every split has them. */
export function joinSplits(parts: SplitData[]): SplitData {
  const mirrored = parts.every((part) => part.mirrored)
    ? concatenate(
        Float32Array,
        parts.map((part) => part.mirrored!),
      )
    : undefined;
  return {
    count: parts.reduce((sum, part) => sum + part.count, 0),
    features: concatenate(
      Float32Array,
      parts.map((part) => part.features),
    ),
    ...(mirrored ? { mirrored } : {}),
    targets: concatenate(
      Float32Array,
      parts.map((part) => part.targets),
    ),
    sources: parts.flatMap((part) => part.sources),
  };
}

/** The examples followed by their mirror images (when there are any). */
function withMirrored(data: SplitData): SplitData {
  if (!data.mirrored) return data;
  return {
    count: data.count * 2,
    features: concatenate(Float32Array, [data.features, data.mirrored]),
    targets: concatenate(Float32Array, [data.targets, data.targets]),
    sources: [...data.sources, ...data.sources],
  };
}
