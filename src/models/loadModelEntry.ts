import path from 'node:path';
import type { GatewayConfig } from '../config';
import type { OnnxConversion } from '../runtime/onnx/conversion';
import { planModel } from '../runtime/modelPlan';
import type { ModelPlan } from '../runtime/types';
import { readGatewayMarker } from './gatewayMarker';
import type { InferencePool } from './InferencePool';
import { loadFailure, type ModelEntry } from './modelEntry';
import { type ModelSpec, isModelFolder, readModelSpec } from './modelFolder';
import type { LoadedReply } from './inference.protocol';

export interface EntryLoad {
  id: string;
  dir: string;
  from: { version: number | null; fromRepository: boolean };
  /** The pool's key for this loaded version. */
  key: string;
  /** MODEL_DIR or the shipped model: never anyone's to replace, whatever its folder holds (no marker is read). */
  configuredDefault: boolean;
}

/**
 * Reads a model folder's spec, plans its runtime (ONNX or TF.js) and loads it into every inference
 * worker: a served entry, not yet switched to. Failures are MODEL_UNAVAILABLE (see loadFailure).
 */
export async function loadModelEntry(
  load: EntryLoad,
  pool: InferencePool,
  plans: Map<string, ModelPlan>,
  config: Pick<GatewayConfig, 'production' | 'inferenceRuntime' | 'modelsDir'>,
  conversion: OnnxConversion,
): Promise<ModelEntry> {
  const { id, dir, key } = load;
  let spec: ModelSpec;
  try {
    if (!(await isModelFolder(dir))) throw new Error('no model.json or model.onnx in the folder');
    spec = await readModelSpec(dir);
  } catch (error) {
    throw loadFailure(id, error, config.production);
  }
  let loaded: LoadedReply;
  let plan: ModelPlan;
  try {
    plan = await planModel(path.resolve(dir), {
      preference: config.inferenceRuntime,
      conversion,
      cacheDir: path.join(path.resolve(config.modelsDir), '.onnx-cache'),
    });
    plans.set(key, plan);
    loaded = await pool.load(key, dir, plan);
  } catch (error) {
    plans.delete(key);
    throw loadFailure(id, error, config.production);
  }
  const { inputSize } = loaded;
  return {
    id,
    ...load.from,
    dir: path.resolve(dir),
    marker: load.configuredDefault ? undefined : await readGatewayMarker(dir),
    key,
    spec,
    inputSize,
    input: { size: inputSize, crop: spec.crop },
    backend: loaded.backend ?? pool.backend,
    runtime: loaded.runtime,
    ...(loaded.fallbackReason === undefined ? {} : { fallbackReason: loaded.fallbackReason }),
    plan,
    pendingRequests: 0,
    retired: false,
  };
}
