import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from '../config';
import { logger } from '../logger';
import { shippedModelDir } from '../paths';
import { isModelFolder } from './modelFolder';

export interface ModelFolder {
  id: string;
  dir: string;
}

/** Model ids appear in URLs, metrics and folder names: keep them plain. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The id the shipped default model (default-model/) is served under. */
export const SHIPPED_MODEL_ID = 'mobilenet_v2_1.0_224';

/**
 * The default model first: MODEL_DIR (served under its folder name), else the shipped one unless
 * DEFAULT_MODEL=none; then every model folder directly under MODELS_DIR, by name. A MODELS_DIR folder
 * named like the default is left out (with a warning): one id, one model.
 */
export async function discoverModelFolders(config: Pick<GatewayConfig, 'modelDir' | 'modelsDir' | 'defaultModel'>): Promise<ModelFolder[]> {
  const folders: ModelFolder[] = [];
  if (config.modelDir) {
    const dir = path.resolve(config.modelDir);
    folders.push({ id: path.basename(dir), dir });
  } else if (config.defaultModel === 'shipped') {
    folders.push({ id: SHIPPED_MODEL_ID, dir: shippedModelDir() });
  }
  const root = path.resolve(config.modelsDir);
  let names: string[];
  try {
    names = (await fs.readdir(root)).sort();
  } catch {
    return folders; // MODELS_DIR is optional
  }
  for (const name of names) {
    const dir = path.join(root, name);
    if (!MODEL_ID_PATTERN.test(name) || !(await isModelFolder(dir))) continue;
    if (folders.some((folder) => folder.dir === dir)) continue;
    if (folders.some((folder) => folder.id === name)) {
      logger.warn({ dir, id: name }, `model folder left out: the default model is already served as "${name}"`);
      continue;
    }
    folders.push({ id: name, dir });
  }
  return folders;
}
