import type { Sequential, Tensor, layers } from '@tensorflow/tfjs';
import { seededRandom, shuffle } from '../embeddings/random';
import type { Tf } from '../models/tfBackend';
import type { SplitData } from './embedDataset';
import type { EpochReport } from './epochReport';
import { validationMetrics } from './scoreMetrics';

export interface HeadOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Units of one hidden ReLU layer; 0 trains a linear (softmax / sigmoid) head on the embeddings. */
  hiddenUnits: number;
  /** L2 weight decay on the kernels. */
  l2: number;
  seed: number;
  multiLabel: boolean;
}

/** The dense head's layers, with seeded initialisers. Names are prefixed so they never clash with a backbone's. */
export function buildHeadLayers(tf: Tf, featureSize: number, classes: number, options: HeadOptions): layers.Layer[] {
  const regularizer = options.l2 > 0 ? tf.regularizers.l2({ l2: options.l2 }) : undefined;
  const head: layers.Layer[] = [];
  if (options.hiddenUnits > 0) {
    head.push(
      tf.layers.dense({
        name: 'head_hidden',
        inputShape: [featureSize],
        units: options.hiddenUnits,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: options.seed }),
        kernelRegularizer: regularizer,
      }),
    );
  }
  head.push(
    tf.layers.dense({
      name: 'head_output',
      ...(head.length === 0 ? { inputShape: [featureSize] } : {}),
      units: classes,
      activation: options.multiLabel ? 'sigmoid' : 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + 1 }),
      kernelRegularizer: regularizer,
    }),
  );
  return head;
}

/**
 * Mini-batch Adam on cached embeddings. Batches are drawn with a seeded shuffle (model.fit's shuffle
 * uses Math.random), so a seed gives the same weights on the same backend.
 */
export async function trainHead(
  tf: Tf,
  head: layers.Layer[],
  train: SplitData,
  validation: SplitData | undefined,
  options: HeadOptions,
  onEpoch?: (report: EpochReport) => void,
): Promise<Sequential> {
  if (train.count === 0) throw new Error('no TRAIN images to learn from');
  const model = tf.sequential({ layers: head });
  const optimizer = tf.train.adam(options.learningRate);
  model.compile({
    optimizer,
    loss: options.multiLabel ? 'binaryCrossentropy' : 'categoricalCrossentropy',
  });
  const featureSize = train.features.length / train.count;
  const classes = train.targets.length / train.count;
  const random = seededRandom(options.seed);
  const order = Array.from({ length: train.count }, (_, i) => i);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    shuffle(order, random);
    let lossSum = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const rows = order.slice(start, start + options.batchSize);
      const x = new Float32Array(rows.length * featureSize);
      const y = new Float32Array(rows.length * classes);
      rows.forEach((row, i) => {
        x.set(train.features.subarray(row * featureSize, (row + 1) * featureSize), i * featureSize);
        y.set(train.targets.subarray(row * classes, (row + 1) * classes), i * classes);
      });
      const xs = tf.tensor2d(x, [rows.length, featureSize]);
      const ys = tf.tensor2d(y, [rows.length, classes]);
      const loss = await model.trainOnBatch(xs, ys);
      tf.dispose([xs, ys]);
      lossSum += (Array.isArray(loss) ? loss[0] : loss) * rows.length;
    }
    const report: EpochReport = { epoch, epochs: options.epochs, phase: 'head', loss: lossSum / train.count };
    if (validation && validation.count > 0) Object.assign(report, validationMetrics(predictHead(tf, model, validation), validation.targets, validation.count, options.multiLabel));
    onEpoch?.(report);
    await new Promise((resolve) => setImmediate(resolve)); // lets progress messages out between epochs
  }
  optimizer.dispose(); // a model does not dispose an optimizer it was given
  return model;
}

/** Scores of a trained head for each example: count × classes. */
export function predictHead(tf: Tf, model: Sequential, data: SplitData): Float32Array {
  if (data.count === 0) return new Float32Array(0);
  const featureSize = data.features.length / data.count;
  return tf.tidy(() => (model.predict(tf.tensor2d(data.features, [data.count, featureSize])) as Tensor).dataSync() as Float32Array);
}
