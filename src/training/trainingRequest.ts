import { promises as fs } from 'node:fs';
import path from 'node:path';
import { backboneSourceOf, parseFeatureLayers } from '../backbone/loadBackbone';
import { badUserInput, inputPrefix, quoteInput } from '../errors';
import { MODEL_ID_PATTERN } from '../models/discoverModels';
import { isForeignPath } from '../models/gatewayMarker';
import { assertInside, assertTreeInside } from './dataset/assertInside';
import type { RemoteSourcePolicy } from './sources/remoteSources';
import type { TrainOptions } from './trainClassifier';
import { withTrainingDefaults } from './trainingDefaults';

/** What a client asks for; paths are relative to TRAINING_DATA_ROOT. */
export interface TrainModelRequest {
  modelId: string;
  /** A folder with one sub-folder per class. */
  data?: string | null;
  /** An AutoML Vision CSV (split,path_or_uri,label...). */
  csv?: string | null;
  epochs?: number | null;
  batchSize?: number | null;
  learningRate?: number | null;
  hiddenUnits?: number | null;
  augment?: number | null;
  seed?: number | null;
  /** Serve a model trained again on every labelled image once TEST is scored. */
  refitOnAllPhotos?: boolean | null;
  validationFraction?: number | null;
  testFraction?: number | null;
  /** A TF.js layers model folder to use instead of the default backbone. */
  backbone?: string | null;
  featureLayer?: string | null;
}

/** What the gateway fixes for every job. */
export interface TrainingRequestSettings {
  /** Unset: training is refused. */
  dataRoot?: string;
  modelsDir: string;
  cacheDir?: string;
  /** TRAINING_CACHE_MAX_BYTES. */
  cacheMaxBytes?: number;
  maxImagePixels: number;
  gcsApiEndpoint?: string;
  /** TRAINING_REMOTE_SOURCES; unset: CSV rows must be local files. */
  remoteSources?: RemoteSourcePolicy;
}

/**
 * Checks a trainModel request and turns it into training options, or throws BAD_USER_INPUT: paths must
 * stay inside TRAINING_DATA_ROOT, numbers within bounds, and a model folder that the gateway did not
 * write (no .gateway-model.json marker) is never overwritten.
 */
export async function trainOptionsFor(request: TrainModelRequest, settings: TrainingRequestSettings): Promise<TrainOptions> {
  const root = settings.dataRoot;
  if (!root) throw badUserInput('Training is disabled on this gateway: set TRAINING_DATA_ROOT to the folder that holds training data.');
  if (!MODEL_ID_PATTERN.test(request.modelId)) {
    throw badUserInput('`modelId` must be letters, digits, ".", "_" or "-" (at most 100), starting with a letter or digit.', { argument: 'modelId' });
  }
  if (!request.data === !request.csv) throw badUserInput('Give exactly one of `data` (a folder of class folders) or `csv` (an AutoML CSV).');
  const given = (request.data ?? request.csv)!;
  const resolved = await insideRoot(root, given, request.data ? 'directory' : 'file');
  const out = path.resolve(settings.modelsDir, request.modelId);
  await refuseForeignModel(out, request.modelId);
  const folder = request.backbone ? await insideRoot(root, request.backbone, 'directory') : undefined;
  if (folder) {
    await assertTreeInside(root, folder, `the backbone folder ${quoteInput(request.backbone)}`).catch(() => {
      throw badUserInput(`${quoteInput(request.backbone)} holds a file that cannot be read or resolves outside TRAINING_DATA_ROOT (symbolic link).`, { argument: 'backbone' });
    });
  }
  if (request.featureLayer) {
    try {
      parseFeatureLayers(request.featureLayer);
    } catch {
      throw badUserInput(`\`featureLayer\` must be a layer name or a comma-separated list of layer[:avg|max|avg+max], got ${quoteInput(request.featureLayer)}.`, {
        argument: 'featureLayer',
      });
    }
  }
  const backbone = backboneSourceOf(folder, request.featureLayer ?? undefined);
  // The defaults, applied here once: what the client left out (or sent as null), and what it cannot choose (l2, mirror images; the backbone stays frozen).
  const chosen = withTrainingDefaults(request);
  return {
    ...chosen,
    data: request.data ? { kind: 'folder', dir: resolved } : { kind: 'csv', file: resolved },
    dataRoot: root,
    remoteSources: settings.remoteSources,
    out,
    backbone,
    epochs: integerIn('epochs', chosen.epochs, 1, 1000),
    batchSize: integerIn('batchSize', chosen.batchSize, 1, 4096),
    learningRate: numberIn('learningRate', chosen.learningRate, 1e-6, 1),
    hiddenUnits: integerIn('hiddenUnits', chosen.hiddenUnits, 0, 4096),
    augment: integerIn('augment', chosen.augment, 0, 20),
    seed: integerIn('seed', chosen.seed, 0, 2 ** 31 - 1),
    split: splitOf(request),
    cacheDir: settings.cacheDir ?? path.join(settings.modelsDir, '.embedding-cache'),
    cacheMaxBytes: settings.cacheMaxBytes,
    // The job's thread decodes beside the gateway's decode gate, not through it: one image at a time.
    decodeConcurrency: 1,
    gcsApiEndpoint: settings.gcsApiEndpoint,
    maxImagePixels: settings.maxImagePixels,
  };
}

async function insideRoot(root: string, given: string, kind: 'file' | 'directory'): Promise<string> {
  const resolved = path.resolve(root, given);
  let real: string;
  try {
    real = await assertInside(root, resolved, quoteInput(given));
  } catch (error) {
    throw badUserInput(`${(error as Error).message}; give a path relative to TRAINING_DATA_ROOT.`, { path: inputPrefix(given) });
  }
  const stat = await fs.stat(real).catch(() => undefined);
  if (!(kind === 'file' ? stat?.isFile() : stat?.isDirectory()))
    throw badUserInput(`${quoteInput(given)} is not a ${kind} under TRAINING_DATA_ROOT.`, { path: inputPrefix(given) });
  return real;
}

/** Anything in MODELS_DIR under that id that the gateway did not write (a download, a backup folder) is never replaced. */
async function refuseForeignModel(dir: string, modelId: string): Promise<void> {
  if (await isForeignPath(dir)) {
    throw badUserInput(`"${modelId}" already exists in MODELS_DIR and was not written by the gateway; choose another modelId.`, { argument: 'modelId' });
  }
}

function splitOf(request: TrainModelRequest): { validation: number; test: number } {
  const validation = numberIn('validationFraction', request.validationFraction ?? 0.1, 0, 0.9);
  const test = numberIn('testFraction', request.testFraction ?? 0.1, 0, 0.9);
  if (validation + test >= 1) throw badUserInput('`validationFraction` + `testFraction` must be below 1.');
  return { validation, test };
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badUserInput(`\`${name}\` must be an integer from ${min} to ${max}.`, { argument: name });
  return value;
}

function numberIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw badUserInput(`\`${name}\` must be a number from ${min} to ${max}.`, { argument: name });
  return value;
}
