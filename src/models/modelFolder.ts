import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { MODEL_FILES } from '../config/modelFiles';

/**
 * A model folder on disk: `model.json` (TF.js layers or graph model) with its weight shards, or
 * `model.onnx` (an ONNX model: float32 image input [N, H, W, 3] or [N, 3, H, W]), and the
 * preprocessing the model expects, described as data in `metadata.json` (tfjs-models / Teachable Machine
 * style) or, for labels only, in `labels.txt`:
 *
 * ```json
 * { "labels": ["tench, Tinca tinca", ...], "inputSize": 224, "inputRange": [-1, 1],
 *   "mids": ["/m/...", ...], "labelOffset": 0, "outputs": "probabilities", "evaluation": {...} }
 * ```
 * `imageSize` is read as a synonym of `inputSize` (Teachable Machine exports).
 * `"crop": "center"` takes the central `cropFraction` (default 0.875, the standard ImageNet evaluation crop)
 * of each side before resizing to the square input; `"crop": "square"` the largest central square (what the
 * Teachable Machine and AutoML Edge libraries do); `"crop": "none"` stretches the whole image.
 *
 * Export folders load as they are, with their own library's preprocessing as defaults:
 * - Teachable Machine (metadata.json with `packageName: "@teachablemachine/image"` or `tmVersion`):
 *   central square, pixels / 127 - 1 (range [-1, 255/127 - 1]).
 * - AutoML Vision Edge TF.js (graph model, labels in `dict.txt`): central square, pixels / 127.5 - 1.
 * `labelOffset` skips leading outputs that have no label (1 for the TF-Slim "background" class).
 * `outputs: "logits"` makes the runtime apply a softmax.
 * `"testTimeMirror": true` scores each image and its left-right mirror image and averages the two (models
 * trained on mirrored copies, as `npm run train` writes them): a steadier answer for twice the compute.
 * Defaults fit the ImageNet MobileNets: input size from the model's input shape (else 224), range [-1, 1].
 */
export interface ModelSpec {
  labels: string[];
  mids?: string[];
  inputSize?: number;
  inputRange: [number, number];
  /** What part of the image is resized to the input; undefined: the whole image, stretched. */
  crop?: Crop;
  labelOffset: number;
  outputs: 'probabilities' | 'logits';
  /** Average the scores of the image and of its mirror image. */
  testTimeMirror?: boolean;
  evaluation?: unknown;
}

export const DEFAULT_INPUT_SIZE = 224;
export const DEFAULT_INPUT_RANGE: [number, number] = [-1, 1];
export const DEFAULT_CROP_FRACTION = 0.875;

/** `center`: the central `fraction` of each side; `square`: the largest central square. */
export type Crop = { kind: 'center'; fraction: number } | { kind: 'square' };

/** Teachable Machine's image library scales pixels with x / 127 - 1. */
const TEACHABLE_MACHINE_RANGE: [number, number] = [-1, 255 / 127 - 1];

export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
}

/** A TF.js folder (`model.json`) or an ONNX one (`model.onnx`, with labels.txt or metadata.json like a TF.js folder's). */
export async function isModelFolder(dir: string): Promise<boolean> {
  const found = await Promise.all(MODEL_FILES.map((file) => fileExists(path.join(dir, file))));
  return found.includes(true);
}

export async function readModelSpec(dir: string): Promise<ModelSpec> {
  const metadataFile = path.join(dir, 'metadata.json');
  const labelsFile = path.join(dir, 'labels.txt');
  const dictFile = path.join(dir, 'dict.txt');
  let metadata: Record<string, unknown> = {};
  if (await fileExists(metadataFile)) {
    metadata = parseJsonObject(await fs.readFile(metadataFile, 'utf8'), 'metadata.json');
  }
  let labels = metadata.labels;
  let autoMlEdge = false;
  if (labels === undefined && (await fileExists(labelsFile))) labels = await readLines(labelsFile);
  if (labels === undefined && (await fileExists(dictFile))) {
    labels = await readLines(dictFile);
    autoMlEdge = true;
  }
  if (!isStringArray(labels) || labels.length === 0) {
    throw new ModelFolderError('no labels: add metadata.json with {"labels": [...]}, or labels.txt or dict.txt (one per line)');
  }
  const teachableMachine = metadata.tmVersion !== undefined || String(metadata.packageName ?? '').startsWith('@teachablemachine/');
  const mids = metadata.mids;
  if (mids !== undefined && (!isStringArray(mids) || mids.length !== labels.length)) {
    throw new ModelFolderError('metadata.json "mids" must be a list of strings as long as "labels"');
  }
  const inputSize = metadata.inputSize ?? metadata.imageSize;
  if (inputSize !== undefined && !(Number.isInteger(inputSize) && (inputSize as number) > 0)) {
    throw new ModelFolderError('metadata.json "inputSize" must be a positive integer');
  }
  const inputRange = metadata.inputRange ?? (teachableMachine ? TEACHABLE_MACHINE_RANGE : DEFAULT_INPUT_RANGE);
  if (!isRange(inputRange)) {
    throw new ModelFolderError('metadata.json "inputRange" must be [low, high] with low < high, e.g. [-1, 1] or [0, 1]');
  }
  const crop = readCrop(metadata, teachableMachine || autoMlEdge ? 'square' : 'none');
  const labelOffset = metadata.labelOffset ?? 0;
  if (!(Number.isInteger(labelOffset) && (labelOffset as number) >= 0)) {
    throw new ModelFolderError('metadata.json "labelOffset" must be an integer >= 0');
  }
  const outputs = metadata.outputs ?? 'probabilities';
  if (outputs !== 'probabilities' && outputs !== 'logits') {
    throw new ModelFolderError('metadata.json "outputs" must be "probabilities" or "logits"');
  }
  const testTimeMirror = metadata.testTimeMirror ?? false;
  if (typeof testTimeMirror !== 'boolean') throw new ModelFolderError('metadata.json "testTimeMirror" must be true or false');
  return {
    labels,
    mids: mids as string[] | undefined,
    inputSize: inputSize as number | undefined,
    inputRange,
    ...(crop === undefined ? {} : { crop }),
    labelOffset: labelOffset as number,
    outputs,
    ...(testTimeMirror ? { testTimeMirror } : {}),
    evaluation: metadata.evaluation,
  };
}

function readCrop(metadata: Record<string, unknown>, fallback: 'none' | 'square'): Crop | undefined {
  const crop = metadata.crop ?? fallback;
  if (crop !== 'none' && crop !== 'center' && crop !== 'square') throw new ModelFolderError('metadata.json "crop" must be "none", "center" or "square"');
  const fraction = metadata.cropFraction ?? DEFAULT_CROP_FRACTION;
  if (!(typeof fraction === 'number' && fraction > 0 && fraction <= 1)) {
    throw new ModelFolderError('metadata.json "cropFraction" must be a number in (0, 1], e.g. 0.875');
  }
  if (crop === 'center') return { kind: 'center', fraction };
  return crop === 'square' ? { kind: 'square' } : undefined;
}

async function readLines(file: string): Promise<string[]> {
  return (await fs.readFile(file, 'utf8'))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** `model.json` and its shards as in-memory artifacts for `tf.io.fromMemory` (TF.js has no file:// loader without tfjs-node). */
export async function readModelArtifacts(dir: string): Promise<io.ModelArtifacts> {
  const modelJson = parseJsonObject(await readFileOrExplain(path.join(dir, 'model.json')), 'model.json');
  const manifest = modelJson.weightsManifest as io.WeightsManifestConfig | undefined;
  if (!modelJson.modelTopology || !Array.isArray(manifest)) {
    throw new ModelFolderError('model.json lacks "modelTopology" or "weightsManifest": not a TF.js model');
  }
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of manifest) {
    weightSpecs.push(...group.weights);
    for (const shardPath of group.paths) shards.push(await readFileOrExplain(shardFile(dir, shardPath)));
  }
  const weights = Buffer.concat(shards);
  return {
    modelTopology: modelJson.modelTopology as io.ModelArtifacts['modelTopology'],
    format: modelJson.format as string | undefined,
    generatedBy: modelJson.generatedBy as string | undefined,
    convertedBy: modelJson.convertedBy as string | null | undefined,
    signature: modelJson.signature as object | undefined,
    userDefinedMetadata: modelJson.userDefinedMetadata as Record<string, object> | undefined,
    modelInitializer: modelJson.modelInitializer as object | undefined,
    trainingConfig: modelJson.trainingConfig as io.TrainingConfig | undefined,
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
  };
}

export function isGraphModel(artifacts: io.ModelArtifacts): boolean {
  if (artifacts.format === 'graph-model') return true;
  if (artifacts.format === 'layers-model') return false;
  const topology = artifacts.modelTopology as Record<string, unknown> | undefined;
  return Array.isArray(topology?.node);
}

/** Shard paths come from a possibly downloaded model.json: keep them inside the folder. */
function shardFile(dir: string, shardPath: string): string {
  const file = path.resolve(dir, decodeURIComponent(shardPath));
  if (!file.startsWith(path.resolve(dir) + path.sep)) {
    throw new ModelFolderError(`weight shard "${shardPath}" points outside the model folder`);
  }
  return file;
}

async function readFileOrExplain(file: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModelFolderError(code === 'ENOENT' ? `missing file ${path.basename(file)}` : `cannot read ${path.basename(file)}: ${code}`);
  }
}

function parseJsonObject(text: string | Buffer, name: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch {
    throw new ModelFolderError(`${name} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelFolderError(`${name} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

async function fileExists(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

const isRange = (value: unknown): value is [number, number] => Array.isArray(value) && value.length === 2 && value.every(Number.isFinite) && value[0] < value[1];
