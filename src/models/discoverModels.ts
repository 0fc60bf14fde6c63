import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { GatewayConfig } from '../config';
import { isModelFolder } from './modelFolder';

export interface ModelFolder {
  id: string;
  dir: string;
}

/** Model ids appear in URLs, metrics and folder names: keep them plain. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** MODEL_DIR (served under its folder name) first, then every model folder directly under MODELS_DIR, by name. */
export async function discoverModelFolders(config: Pick<GatewayConfig, 'modelDir' | 'modelsDir'>): Promise<ModelFolder[]> {
  const folders: ModelFolder[] = [];
  if (config.modelDir) {
    const dir = path.resolve(config.modelDir);
    folders.push({ id: path.basename(dir), dir });
  }
  const root = path.resolve(config.modelsDir);
  let names: string[] = [];
  try {
    names = (await fs.readdir(root)).sort();
  } catch {
    return folders; // MODELS_DIR is optional
  }
  for (const name of names) {
    const dir = path.join(root, name);
    if (!MODEL_ID_PATTERN.test(name) || folders.some((folder) => folder.id === name || folder.dir === dir)) continue;
    if (await isModelFolder(dir)) folders.push({ id: name, dir });
  }
  return folders;
}
