import path from 'node:path';
import type { GatewayConfig } from '../config';
import { shippedModelDir } from '../paths';

export interface ModelFolder {
  id: string;
  dir: string;
}

/** Model ids appear in URLs, metrics and folder names: keep them plain. */
export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The id the shipped default model (default-model/) is served under. */
export const SHIPPED_MODEL_ID = 'mobilenet_v2_1.0_224';

/**
 * The configured default model: MODEL_DIR (served under its folder name), else the shipped one unless
 * DEFAULT_MODEL=none. The other models come from the model repository (see repository/). A repository
 * model named like the default is left out (with a warning): one id, one model.
 */
export function configuredDefaultFolder(config: Pick<GatewayConfig, 'modelDir' | 'defaultModel'>): ModelFolder | undefined {
  if (config.modelDir) {
    const dir = path.resolve(config.modelDir);
    return { id: path.basename(dir), dir };
  }
  return config.defaultModel === 'shipped' ? { id: SHIPPED_MODEL_ID, dir: shippedModelDir() } : undefined;
}
