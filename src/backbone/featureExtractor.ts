import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import type { Backbone } from './Backbone';
import type { Tf } from '../models/tfBackend';
import { defaultOnnxConversion, noConversion, NO_CONVERTER_REASON, type OnnxConversion } from '../runtime/onnx/conversion';
import { OnnxRuntime } from '../runtime/onnxRuntime';
import { normaliseInto } from '../runtime/tensors';
import type { ModelSession, RuntimeKind, RuntimePreference } from '../runtime/types';

/** A backbone's feature pass in the runtime that can run it: ONNX Runtime when the conversion handles its feature model, else TF.js. */
export interface FeatureExtractor {
  readonly runtime: RuntimeKind;
  /** Why TF.js runs it (no converter, an unsupported layer, INFERENCE_RUNTIME=tfjs...). */
  readonly fallbackReason?: string;
  /** count × featureSize floats for `count` images of inputSize² RGB bytes. */
  embed(pixels: Uint8Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface FeatureExtractorOptions {
  preference?: RuntimePreference;
  conversion?: OnnxConversion;
  /** Where the feature model is written for the conversion, and the conversion's own cache (default: a folder under the OS temp dir). */
  cacheDir?: string;
  onnxThreads?: number;
}

export const DEFAULT_FEATURE_CACHE_DIR = path.join(os.tmpdir(), 'openimages-gateway-onnx-cache');

/**
 * The backbone's feature model (its input through the pooled feature layer) converted to ONNX and run by
 * ONNX Runtime (one intra-op thread: the callers run one thread per core), or the backbone's own TF.js
 * pass when it has no ONNX form. Never throws for a conversion problem: it falls back with the reason.
 */
export async function featureExtractor(tf: Tf, backbone: Backbone, options: FeatureExtractorOptions = {}): Promise<FeatureExtractor> {
  const tfjs = (fallbackReason: string): FeatureExtractor => ({
    runtime: 'TFJS_WASM',
    fallbackReason,
    embed: async (pixels, count) => backbone.embed(pixels, count),
    dispose: async () => undefined,
  });
  if (options.preference === 'tfjs') return tfjs('INFERENCE_RUNTIME=tfjs');
  const conversion = options.conversion ?? defaultOnnxConversion;
  // Without a converter, writing the feature model out would be wasted work.
  if (conversion === noConversion) return tfjs(NO_CONVERTER_REASON);
  const cacheDir = options.cacheDir ?? DEFAULT_FEATURE_CACHE_DIR;
  let session: ModelSession;
  try {
    const dir = await writeFeatureModel(tf, backbone, path.join(cacheDir, 'backbones'));
    const result = await conversion(dir, { cacheDir });
    if (result.kind !== 'converted') return tfjs(result.reason);
    session = await new OnnxRuntime({ intraOpThreads: options.onnxThreads ?? 1 }).load(
      { kind: 'onnx', onnx: { kind: 'bytes', bytes: result.onnx } },
      { inputSize: backbone.info.inputSize },
    );
  } catch (error) {
    return tfjs(`the feature model could not run on ONNX Runtime: ${(error as Error).message}`);
  }
  const { inputSize, featureSize, inputRange } = backbone.info;
  if (session.inputSize !== inputSize || (session.outputs !== undefined && session.outputs !== featureSize)) {
    await session.dispose();
    return tfjs(`the converted feature model takes ${session.inputSize}px and gives ${session.outputs} features; the backbone ${inputSize}px and ${featureSize}`);
  }
  let input = new Float32Array(0);
  return {
    runtime: 'ONNX',
    async embed(pixels, count) {
      const values = inputSize * inputSize * 3;
      if (input.length < count * values) input = new Float32Array(count * values);
      normaliseInto(input, pixels, count, inputSize, inputRange, session.layout);
      return session.predict(input, count);
    },
    dispose: () => session.dispose(),
  };
}

/** The feature model as a TF.js layers folder (model.json + weights.bin), written once per backbone identity. */
export async function writeFeatureModel(tf: Tf, backbone: Backbone, root: string): Promise<string> {
  const dir = path.join(root, createHash('sha256').update(backbone.info.id).digest('hex').slice(0, 24));
  try {
    await fs.access(path.join(dir, 'model.json'));
    return dir;
  } catch {
    // not written yet
  }
  const staging = `${dir}.${process.pid}.${Math.random().toString(16).slice(2)}`;
  await fs.mkdir(staging, { recursive: true });
  await backbone.features.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const data = artifacts.weightData;
      const parts = Array.isArray(data) ? data : data ? [data] : [];
      await fs.writeFile(path.join(staging, 'weights.bin'), Buffer.concat(parts.map((part) => Buffer.from(part))));
      const modelJson = { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      await fs.writeFile(path.join(staging, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  try {
    await fs.rename(staging, dir);
  } catch {
    await fs.rm(staging, { recursive: true, force: true }); // another thread wrote it first
  }
  return dir;
}
