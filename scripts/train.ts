import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { backboneSourceOf } from '../src/embeddings/backbone/loadBackbone';
import { initBackend } from '../src/models/tfBackend';
import { defaultCacheDir } from '../src/training/cacheDir';
import { TRAINING_DEFAULTS, trainClassifier, type TrainProgress, type TrainingData } from '../src/training/trainClassifier';

const USAGE = `Usage: npm run train -- (--data <dir> | --csv <file>) --out <model dir> [options]

  --data <dir>            one folder per class (folder name = label)
  --csv <file>            AutoML Vision CSV: split,path_or_uri,label[,label...] (split TRAIN/VALIDATION/TEST
                          or empty; paths relative to the CSV, gs://bucket/object or https:// URLs)
  --out <dir>             model folder to write (model.json, weights.bin, metadata.json, evaluation.json)
  --backbone <model dir>  TF.js layers model to use as the frozen backbone (default: nsfwjs's MobileNetV2)
  --feature-layer <name>  its embedding layer (default: the last global pooling / Flatten layer)
  --epochs ${TRAINING_DEFAULTS.epochs}  --batch-size ${TRAINING_DEFAULTS.batchSize}  --learning-rate ${TRAINING_DEFAULTS.learningRate}  --l2 ${TRAINING_DEFAULTS.l2}
  --hidden ${TRAINING_DEFAULTS.hiddenUnits}              units of a hidden ReLU layer in the head (0: linear head)
  --augment ${TRAINING_DEFAULTS.augment}             augmented copies per TRAIN image (flip, crop, brightness)
  --seed ${TRAINING_DEFAULTS.seed}               makes splits, augmentation and training repeat exactly
  --validation 0.1 --test 0.1   fractions for images without a split
  --cache-dir <dir>       embedding cache (default ${defaultCacheDir()}); --no-cache to disable
  --gcs-endpoint <url>    Cloud Storage JSON API endpoint (emulators); STORAGE_EMULATOR_HOST works too`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      csv: { type: 'string' },
      out: { type: 'string' },
      backbone: { type: 'string' },
      'feature-layer': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      'learning-rate': { type: 'string' },
      l2: { type: 'string' },
      hidden: { type: 'string' },
      augment: { type: 'string' },
      seed: { type: 'string' },
      validation: { type: 'string', default: '0.1' },
      test: { type: 'string', default: '0.1' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'gcs-endpoint': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out || !values.data === !values.csv) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const data: TrainingData = values.data ? { kind: 'folder', dir: values.data } : { kind: 'csv', file: values.csv! };
  const { tf, backend } = await initBackend();
  const bars = progressBars();
  const result = await trainClassifier(
    tf,
    {
      data,
      out: values.out,
      backbone: backboneSourceOf(values.backbone, values['feature-layer']),
      epochs: numberOption('--epochs', values.epochs),
      batchSize: numberOption('--batch-size', values['batch-size']),
      learningRate: numberOption('--learning-rate', values['learning-rate']),
      l2: numberOption('--l2', values.l2),
      hiddenUnits: numberOption('--hidden', values.hidden),
      augment: numberOption('--augment', values.augment),
      seed: numberOption('--seed', values.seed),
      split: { validation: numberOption('--validation', values.validation)!, test: numberOption('--test', values.test)! },
      cacheDir: values['no-cache'] ? undefined : (values['cache-dir'] ?? defaultCacheDir()),
      gcsApiEndpoint: values['gcs-endpoint'],
    },
    bars.update,
  );
  bars.stop();
  const e = result.evaluation;
  console.log(`backbone ${result.backbone.id} on ${backend}; ${result.labels.length} labels (${result.multiLabel ? 'multi-label, sigmoid' : 'single-label, softmax'})`);
  console.log(`images: ${result.images.train} train, ${result.images.validation} validation, ${result.images.test} test; embeddings ${result.embeddings.computed} computed, ${result.embeddings.cached} from cache`);
  console.log(`TEST: accuracy ${e.accuracy.toFixed(4)}, auPrc ${e.auPrc.toFixed(4)}, logLoss ${e.logLoss.toFixed(4)}`);
  for (const c of e.perClass) console.log(`  ${c.label.padEnd(20)} precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} f1 ${c.f1.toFixed(3)} support ${c.support}`);
  console.log(`time: embedding ${result.seconds.embedding.toFixed(1)} s, head ${result.seconds.training.toFixed(1)} s, total ${result.seconds.total.toFixed(1)} s`);
  if (result.failures.length > 0) {
    console.log(`${result.failures.length} image(s) left out:`);
    for (const failure of result.failures) console.log(`  ${failure.source}: ${failure.message}`);
  }
  console.log(`model written to ${result.out}`);
}

/** One bar while embedding (images), then one while training (epochs, with the loss). */
function progressBars() {
  const options = { hideCursor: true, etaBuffer: 32, format: '' };
  let embedding: SingleBar | undefined;
  let training: SingleBar | undefined;
  return {
    update(progress: TrainProgress) {
      if (progress.stage === 'embedding' && progress.total) {
        embedding ??= new SingleBar({ ...options, format: 'embedding |{bar}| {value}/{total} images | ETA {eta_formatted}' }, Presets.shades_classic);
        if (!embedding.isActive) embedding.start(progress.total, 0);
        embedding.update(progress.done ?? 0);
      } else if (progress.stage === 'training' && progress.epoch) {
        embedding?.stop();
        const { epoch, epochs, loss, validationAccuracy } = progress.epoch;
        training ??= new SingleBar(
          { ...options, format: 'training  |{bar}| epoch {value}/{total} | loss {loss} | val acc {val} | ETA {eta_formatted}' },
          Presets.shades_classic,
        );
        if (!training.isActive) training.start(epochs, 0, { loss: '-', val: '-' });
        training.update(epoch, { loss: loss.toFixed(4), val: validationAccuracy === undefined ? '-' : validationAccuracy.toFixed(3) });
      }
    },
    stop() {
      embedding?.stop();
      training?.stop();
    },
  };
}

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got "${text}"`);
  return value;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
