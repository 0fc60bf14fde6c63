import type { Sequential, Tensor, Variable } from '@tensorflow/tfjs';
import { seededRandom, shuffle } from '../embeddings/random';
import type { Tf } from '../models/tfBackend';
import { concatenate } from '../typedArrays';
import type { SplitData } from './embedDataset';
import type { EpochReport } from './epochReport';
import { countCorrect, validationMetrics } from './scoreMetrics';
import type { TrainableTop } from './TrainableTop';

export interface FineTuneOptions {
  epochs: number;
  /** Epochs numbered before these (the head's), so reports count on from them. */
  epochOffset: number;
  totalEpochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  multiLabel: boolean;
  /** Train on each example's mirror image half of the time (needs `mirrored` maps). */
  mirror: boolean;
}

export interface StepReport {
  epoch: number;
  step: number;
  steps: number;
  loss: number;
}

/**
 * Fine-tunes the backbone's top (from cached maps at its cut) together with a head that was first
 * trained on the frozen features: Adam on every variable, a small learning rate so that the pretrained
 * filters move, not restart. Batches are drawn with a seeded shuffle, so a seed repeats the run.
 */
export async function fineTuneTop(
  tf: Tf,
  top: TrainableTop,
  head: Sequential,
  train: SplitData,
  validation: SplitData | undefined,
  options: FineTuneOptions,
  onEpoch?: (report: EpochReport) => void,
  onStep?: (report: StepReport) => void,
): Promise<void> {
  const size = train.features.length / train.count;
  const classes = train.targets.length / train.count;
  const variables = [...top.variables, ...head.trainableWeights.map((weight) => weight.read() as Variable)];
  const optimizer = tf.train.adam(options.learningRate);
  const random = seededRandom(options.seed + 1000);
  const order = Array.from({ length: train.count }, (_, i) => i);
  const steps = Math.ceil(train.count / options.batchSize);
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      shuffle(order, random);
      let lossSum = 0;
      let correct = 0;
      for (let start = 0, step = 1; start < order.length; start += options.batchSize, step++) {
        const rows = order.slice(start, start + options.batchSize);
        const x = new Float32Array(rows.length * size);
        const y = new Float32Array(rows.length * classes);
        rows.forEach((row, i) => {
          const source = options.mirror && train.mirrored && random() < 0.5 ? train.mirrored : train.features;
          x.set(source.subarray(row * size, (row + 1) * size), i * size);
          y.set(train.targets.subarray(row * classes, (row + 1) * classes), i * classes);
        });
        const maps = tf.tensor(x, [rows.length, ...top.inputShape]);
        const targets = tf.tensor2d(y, [rows.length, classes]);
        let scores: Float32Array | undefined;
        const loss = optimizer.minimize(
          () => {
            const probabilities = head.apply(top.forward(maps), { training: true }) as Tensor;
            scores = probabilities.dataSync() as Float32Array;
            return crossEntropy(tf, probabilities, targets, options.multiLabel);
          },
          true,
          variables,
        )!;
        const value = (await loss.data())[0];
        tf.dispose([maps, targets, loss]);
        lossSum += value * rows.length;
        correct += countCorrect(scores!, y, classes, options.multiLabel);
        onStep?.({ epoch: options.epochOffset + epoch, step, steps, loss: value });
        await new Promise((resolve) => setImmediate(resolve)); // lets progress messages out between steps
      }
      onEpoch?.({
        epoch: options.epochOffset + epoch,
        epochs: options.totalEpochs,
        phaseEpoch: epoch,
        phaseEpochs: options.epochs,
        loss: lossSum / train.count,
        accuracy: correct / train.count,
        phase: 'fine-tune',
        ...(validation && validation.count > 0 ? validationOf(tf, top, head, validation, options.multiLabel) : {}),
      });
    }
  } finally {
    optimizer.dispose();
  }
}

/** Scores (count × classes) of maps through the top and the head; with `mirrorToo`, averaged with their mirror images'. */
export function predictThroughTop(tf: Tf, top: TrainableTop | undefined, head: Sequential, data: SplitData, mirrorToo: boolean, batchSize = 64): Float32Array {
  if (data.count === 0) return new Float32Array(0);
  const size = data.features.length / data.count;
  const shape = top ? top.inputShape : [size];
  const passes = mirrorToo && data.mirrored ? [data.features, data.mirrored] : [data.features];
  let scores: Float32Array | undefined;
  for (const source of passes) {
    const parts: Float32Array[] = [];
    for (let start = 0; start < data.count; start += batchSize) {
      const count = Math.min(batchSize, data.count - start);
      parts.push(
        tf.tidy(() => {
          const input = tf.tensor(source.subarray(start * size, (start + count) * size), [count, ...shape]);
          return (head.predict(top ? top.forward(input) : input) as Tensor).dataSync() as Float32Array;
        }),
      );
    }
    const pass = concatenate(Float32Array, parts);
    if (!scores) scores = pass;
    else for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] + pass[i]) / 2;
  }
  return scores!;
}

/** Pooled features of every example (and of its mirror image) through the top as it is now. */
export function poolThroughTop(tf: Tf, top: TrainableTop, data: SplitData, batchSize = 64): SplitData {
  const size = data.count > 0 ? data.features.length / data.count : 0;
  const pool = (source: Float32Array): Float32Array => {
    const parts: Float32Array[] = [];
    for (let start = 0; start < data.count; start += batchSize) {
      const count = Math.min(batchSize, data.count - start);
      parts.push(tf.tidy(() => top.forward(tf.tensor(source.subarray(start * size, (start + count) * size), [count, ...top.inputShape])).dataSync() as Float32Array));
    }
    return concatenate(Float32Array, parts);
  };
  return { ...data, features: pool(data.features), mirrored: data.mirrored && pool(data.mirrored) };
}

function crossEntropy(tf: Tf, probabilities: Tensor, targets: Tensor, multiLabel: boolean) {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities, 1e-7, 1 - 1e-7);
    if (multiLabel) return tf.neg(tf.mean(tf.add(tf.mul(targets, tf.log(p)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, p))))));
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(p)), -1)));
  }) as unknown as import('@tensorflow/tfjs').Scalar;
}

function validationOf(tf: Tf, top: TrainableTop, head: Sequential, data: SplitData, multiLabel: boolean): Pick<EpochReport, 'validationLoss' | 'validationAccuracy'> {
  return validationMetrics(predictThroughTop(tf, top, head, data, false), data.targets, data.count, multiLabel);
}
