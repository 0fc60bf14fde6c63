import * as ort from 'onnxruntime-node';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { convertModelFolder, type ConversionResult } from '../../../../src/runtime/onnx/convertLayersModel';
import type { Tf } from '../../../../src/models/tfBackend';
import { saveLayersModel } from '../../../support/tinyBackbone';

/** Saves a TF.js layers model as a model folder (model.json + weights.bin), as writeModelFolder does. */
export const saveModel = saveLayersModel;

/** Deterministic uniform values in [low, high). */
export function randomValues(count: number, seed: number, low = -1, high = 1): Float32Array {
  let state = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = low + ((state >>> 0) / 2 ** 32) * (high - low);
  }
  return out;
}

export async function runOnnx(
  bytes: Uint8Array,
  inputName: string,
  outputName: string,
  input: Float32Array,
  dims: number[],
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const output = (await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }))[outputName];
    return { data: output.data as Float32Array, dims: output.dims };
  } finally {
    await session.release();
  }
}

export interface Agreement {
  result: ConversionResult;
  maxDiff: number;
  expectedDims: number[];
  actualDims: readonly number[];
}

/**
 * Saves `model` into `dir`, converts the folder, runs both on the same random batch of `dims` and
 * returns the largest absolute difference (Infinity when the conversion was refused).
 */
export async function agreement(tf: Tf, model: LayersModel, dir: string, dims: number[], seed = 1): Promise<Agreement> {
  await saveModel(tf, model, dir);
  const result = await convertModelFolder(dir);
  const input = randomValues(
    dims.reduce((a, b) => a * b, 1),
    seed,
  );
  const expected = tf.tidy(() => {
    const output = model.predict(tf.tensor(input, dims)) as Tensor;
    return { data: output.dataSync() as Float32Array, dims: output.shape };
  });
  if (result.kind !== 'converted') return { result, maxDiff: Infinity, expectedDims: expected.dims, actualDims: [] };
  const actual = await runOnnx(result.onnx, result.inputName, result.outputName, input, dims);
  let maxDiff = expected.data.length === actual.data.length ? 0 : Infinity;
  for (let i = 0; i < expected.data.length && maxDiff !== Infinity; i++) maxDiff = Math.max(maxDiff, Math.abs(expected.data[i] - actual.data[i]));
  return { result, maxDiff, expectedDims: expected.dims, actualDims: actual.dims };
}
