import { Presets, SingleBar } from 'cli-progress';
import { backboneSourceOf, DEFAULT_BACKBONE_DIR } from '../src/backbone/loadBackbone';
import { initBackend } from '../src/models/tfBackend';
import { defaultCacheDir } from './support/cacheDir';
import { parseRemoteSources } from '../src/training/sources/remoteSources';
import { SUGGESTED_FINE_TUNE_FROM, trainClassifier, type TrainProgress, type TrainingData } from '../src/training/trainClassifier';
import { TRAINING_DEFAULTS } from '../src/training/trainingDefaults';
import { CliFailure, existingDir, existingFile, numberOption, runCli, UsageError } from './support/cli';

const D = TRAINING_DEFAULTS;
const USAGE = `Usage: npm run train -- (--data <dir> | --csv <file>) --out <model dir> [options]

  --data <dir>            one folder per class (folder name = label)
  --csv <file>            AutoML Vision CSV: split,path_or_uri,label[,label...] (split TRAIN/VALIDATION/TEST
                          or empty; paths relative to the CSV, gs://bucket/object or https:// URLs); rows with
                          several labels train a multi-label (sigmoid) model. Remote rows must name a host or
                          bucket listed in TRAINING_REMOTE_SOURCES (as for the gateway; see the README)
  --out <dir>             model folder to write (model.json, weights.bin, metadata.json, evaluation.json)
  --backbone <model dir>  TF.js layers model to start from (default: ${DEFAULT_BACKBONE_DIR})
  --feature-layer <spec>  what the head learns from: a layer, or layers with their pooling, comma-separated
                          (layer[:avg|max|avg+max], e.g. dwconv_13,conv_28:avg+max on MobileNet V2);
                          default: the backbone's last global pooling / Flatten layer (its final vector)
  --fine-tune-from <layer>  cache this layer's maps and fine-tune the layers after it with the head, up to the
                          last feature layer (e.g. ${SUGGESTED_FINE_TUNE_FROM}); default "none": the backbone stays frozen
  --fine-tune-epochs ${D.fineTuneEpochs}  --fine-tune-learning-rate ${D.fineTuneLearningRate}
  --epochs ${D.epochs}  --batch-size ${D.batchSize}  --learning-rate ${D.learningRate}  --l2 ${D.l2}   (the head, on frozen features)
  --hidden ${D.hiddenUnits}              units of a hidden ReLU layer in the head (0: linear head)
  --no-mirror             do not learn from left-right mirror images (on by default)
  --augment ${D.augment}             augmented copies per TRAIN image (flip, crop, brightness)
  --seed ${D.seed}               makes splits, augmentation and training repeat exactly
  --no-refit              serve the model that scored TEST (default: once TEST is scored, train again with the
                          same settings on every labelled image and serve that; the evaluation stays TEST's)
  --validation 0.1 --test 0.1   fractions for images without a split
  --cache-dir <dir>       embedding cache (default ${defaultCacheDir()}); --no-cache to disable
  --gcs-endpoint <url>    Cloud Storage JSON API endpoint (emulators); STORAGE_EMULATOR_HOST works too`;

function remoteSourcesFromEnvironment() {
  try {
    return parseRemoteSources(process.env.TRAINING_REMOTE_SOURCES);
  } catch (error) {
    throw new UsageError(`TRAINING_REMOTE_SOURCES: ${(error as Error).message}`);
  }
}

const OPTIONS = {
  data: { type: 'string' },
  csv: { type: 'string' },
  out: { type: 'string' },
  backbone: { type: 'string' },
  'feature-layer': { type: 'string' },
  'fine-tune-from': { type: 'string' },
  'fine-tune-epochs': { type: 'string' },
  'fine-tune-learning-rate': { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  'learning-rate': { type: 'string' },
  l2: { type: 'string' },
  hidden: { type: 'string' },
  'no-mirror': { type: 'boolean' },
  'no-refit': { type: 'boolean' },
  augment: { type: 'string' },
  seed: { type: 'string' },
  validation: { type: 'string', default: '0.1' },
  test: { type: 'string', default: '0.1' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'gcs-endpoint': { type: 'string' },
} as const;

runCli({ usage: USAGE, options: OPTIONS }, async ({ values }) => {
  if (!values.out) throw new UsageError('--out is required');
  if (!values.data === !values.csv) throw new UsageError('give exactly one of --data <dir> or --csv <file>');
  const data: TrainingData = values.data ? { kind: 'folder', dir: existingDir('--data', values.data) } : { kind: 'csv', file: existingFile('--csv', values.csv) };
  if (values.backbone !== undefined) existingDir('--backbone', values.backbone);
  const integer = (option: string, value: string | undefined, min = 0) => numberOption(option, value, { min, integer: true });
  const positive = (option: string, value: string | undefined) => numberOption(option, value, { min: 0 });
  const options = {
    data,
    out: values.out,
    backbone: backboneSourceOf(values.backbone, values['feature-layer']),
    fineTuneFrom: values['fine-tune-from'],
    fineTuneEpochs: integer('--fine-tune-epochs', values['fine-tune-epochs']),
    fineTuneLearningRate: positive('--fine-tune-learning-rate', values['fine-tune-learning-rate']),
    epochs: integer('--epochs', values.epochs, 1),
    batchSize: integer('--batch-size', values['batch-size'], 1),
    learningRate: positive('--learning-rate', values['learning-rate']),
    l2: positive('--l2', values.l2),
    hiddenUnits: integer('--hidden', values.hidden),
    mirror: values['no-mirror'] ? false : undefined,
    refitOnAllPhotos: values['no-refit'] ? false : undefined,
    augment: integer('--augment', values.augment),
    seed: integer('--seed', values.seed),
    split: { validation: numberOption('--validation', values.validation, { min: 0, max: 0.9 })!, test: numberOption('--test', values.test, { min: 0, max: 0.9 })! },
    cacheDir: values['no-cache'] ? undefined : (values['cache-dir'] ?? defaultCacheDir()),
    gcsApiEndpoint: values['gcs-endpoint'],
    remoteSources: remoteSourcesFromEnvironment(),
  };
  const { tf, backend } = await initBackend();
  const bars = progressBars();
  const cpuBefore = process.cpuUsage();
  let result;
  try {
    result = await trainClassifier(tf, options, bars.update);
  } catch (error) {
    bars.stop();
    throw new CliFailure((error as Error).message);
  }
  bars.stop();
  const cpu = process.cpuUsage(cpuBefore);
  const e = result.evaluation;
  console.log(`backbone ${result.backbone.id} on ${backend}; ${result.labels.length} labels (${result.multiLabel ? 'multi-label, sigmoid' : 'single-label, softmax'})`);
  console.log(result.fineTunedFrom ? `fine-tuned the backbone after layer ${result.fineTunedFrom}` : 'backbone frozen (head only)');
  console.log(
    `images: ${result.images.train} train, ${result.images.validation} validation, ${result.images.test} test; embeddings ${result.embeddings.computed} computed, ${result.embeddings.cached} from cache`,
  );
  if (result.refitImages) console.log(`served model refit on all ${result.refitImages} labelled images; the figures below are the evaluated model's, on TEST`);
  console.log(`TEST: accuracy ${e.accuracy.toFixed(4)}, auPrc ${e.auPrc.toFixed(4)}, logLoss ${e.logLoss.toFixed(4)}`);
  for (const c of e.perClass) console.log(`  ${c.label.padEnd(20)} precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} f1 ${c.f1.toFixed(3)} support ${c.support}`);
  console.log(
    `time: embedding ${result.seconds.embedding.toFixed(1)} s, training ${result.seconds.training.toFixed(1)} s, total ${result.seconds.total.toFixed(1)} s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`,
  );
  if (result.failures.length > 0) {
    console.log(`${result.failures.length} image(s) left out:`);
    for (const failure of result.failures) console.log(`  ${failure.source}: ${failure.message}`);
  }
  console.log(`model written to ${result.out}`);
});

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
        training ??= new SingleBar({ ...options, format: 'training  |{bar}| epoch {value}/{total} | loss {loss} | val acc {val} | ETA {eta_formatted}' }, Presets.shades_classic);
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
