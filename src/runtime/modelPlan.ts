import { promises as fs } from 'node:fs';
import path from 'node:path';
import { logger } from '../logger';
import type { OnnxConversion } from './onnx/conversion';
import type { ModelPlan, RuntimePreference } from './types';

export const ONNX_MODEL_FILE = 'model.onnx';

export interface PlanOptions {
  preference: RuntimePreference;
  conversion: OnnxConversion;
  /** Where the conversion may cache its results: `<MODELS_DIR>/.onnx-cache`. */
  cacheDir: string;
}

const log = logger.child({ component: 'runtime' });

/**
 * Decides, once per model folder, which runtime serves it:
 * - a folder with `model.onnx`: ONNX Runtime on that file (whatever INFERENCE_RUNTIME says: it has no other form);
 * - a TF.js folder with INFERENCE_RUNTIME=auto or onnx: the conversion's ONNX bytes, else TF.js with the
 *   conversion's reason (with `onnx`, no ONNX form is an error);
 * - a TF.js folder with INFERENCE_RUNTIME=tfjs: TF.js.
 */
export async function planModel(dir: string, options: PlanOptions): Promise<ModelPlan> {
  const onnxFile = path.join(dir, ONNX_MODEL_FILE);
  if (await isFile(onnxFile)) return { dir, onnx: { kind: 'file', path: onnxFile }, tfjsFallback: false };
  if (options.preference === 'tfjs') return { dir, fallbackReason: 'INFERENCE_RUNTIME=tfjs', tfjsFallback: true };
  let reason: string;
  try {
    const result = await options.conversion(dir, { cacheDir: options.cacheDir });
    if (result.kind === 'converted') return { dir, onnx: { kind: 'bytes', bytes: result.onnx }, tfjsFallback: options.preference === 'auto' };
    reason = result.reason;
  } catch (error) {
    reason = `the conversion to ONNX failed: ${(error as Error).message}`;
  }
  if (options.preference === 'onnx') throw new Error(`INFERENCE_RUNTIME=onnx and the model has no ONNX form (${reason})`);
  log.info({ dir, reason }, 'model served by TF.js (no ONNX form)');
  return { dir, fallbackReason: reason, tfjsFallback: true };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
