import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hasModelFile } from '../modelFiles';
import { choice, ConfigError, text, type Env } from '../parsers';
import { computed, integerVariable, optionalVariable, textVariable, variable } from '../spec';

/** Image models: the default one, the folder of the others, and the workers and runtime that serve them. */
export const MODELS = {
  modelDir: optionalVariable(
    'MODEL_DIR',
    '(unset: the shipped default model)',
    'Model folder served as the default model: TensorFlow.js (`model.json`, shards, `metadata.json`, `labels.txt` or `dict.txt`) or ONNX (`model.onnx` with `labels.txt` or `metadata.json`); a missing folder or one with neither `model.json` nor `model.onnx` stops the start.',
    modelDir,
  ),
  defaultModel: variable<'shipped' | 'none'>(
    'DEFAULT_MODEL',
    'shipped',
    'With `MODEL_DIR` unset: `shipped` serves `default-model/` (MobileNet V2, id `mobilenet_v2_1.0_224`) as the default; `none` serves only `MODELS_DIR`.',
    (env, name, fallback) => choice(env, name, ['shipped', 'none'], fallback, { off: 'none' }),
  ),
  modelsDir: textVariable('MODELS_DIR', 'models', 'Folder of further model folders (downloads, trained models); each sub-folder is served under its name.'),
  inferenceWorkers: integerVariable(
    'INFERENCE_WORKERS',
    computed('number of cores', () => Math.max(1, os.availableParallelism?.() ?? os.cpus().length)),
    'worker_threads running inference, each with its own ONNX Runtime sessions (and TF.js backend for models without an ONNX form).',
    1,
  ),
  inferenceMaxBatch: integerVariable('INFERENCE_MAX_BATCH', 8, 'Most images one worker predicts at once (micro-batching).', 1),
  inferenceMaxWaitMs: integerVariable('INFERENCE_MAX_WAIT_MS', 4, 'How long a batch waits to fill before it runs.'),
  inferenceRuntime: variable<'auto' | 'onnx' | 'tfjs'>(
    'INFERENCE_RUNTIME',
    'auto',
    "`auto`: ONNX Runtime serves every model with an ONNX form (a folder's `model.onnx`, or a TF.js folder the converter handles), TF.js wasm the rest (`Model.runtimeFallbackReason` says why); `onnx`: a model without an ONNX form fails to load; `tfjs`: TF.js folders stay on TF.js (ONNX folders still run on ONNX Runtime).",
    (env, name, fallback) => choice(env, name, ['auto', 'onnx', 'tfjs'], fallback),
  ),
  onnxThreads: integerVariable(
    'ONNX_THREADS',
    1,
    'ONNX Runtime intra-op threads per session. Each inference worker holds its own sessions, so the default (1, with one worker per core) uses every core without oversubscribing; see "Threads and batching" in the README.',
    1,
    256,
  ),
  inferenceQueueLimit: integerVariable('INFERENCE_QUEUE_LIMIT', 256, 'Images waiting for a worker before new requests get `OVERLOADED`; at least `MAX_UPLOAD_FILES`.', 1),
  modelIdleUnloadS: integerVariable(
    'MODEL_IDLE_UNLOAD_S',
    900,
    'A model other than the default unused this long is unloaded from the inference workers and loaded again by the next request naming it; `0`: never.',
  ),
};

/** An explicitly configured default model must be there: refusing to start beats serving without it. */
function modelDir(env: Env, name: string): string | undefined {
  const dir = text(env, name);
  if (dir === undefined) return undefined;
  const resolved = path.resolve(dir);
  let stats: fs.Stats;
  try {
    stats = fs.statSync(resolved);
  } catch {
    throw new ConfigError(`${name} ${resolved}: no such folder`);
  }
  if (!stats.isDirectory()) throw new ConfigError(`${name} ${resolved}: not a folder`);
  if (!hasModelFile(resolved)) {
    throw new ConfigError(
      `${name} ${resolved}: the folder has neither model.json nor model.onnx (a TensorFlow.js model folder holds model.json and its weight shards; an ONNX one model.onnx and labels.txt or metadata.json)`,
    );
  }
  return dir;
}
