import fs from 'node:fs';
import path from 'node:path';

/** The repository root (the folder with package.json), whether running from src/ or dist/. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The demo dataset shipped in the source tree, served when DATA_DIR is unset. */
export const demoDataDir = () => path.join(projectRoot(), 'src', 'store', 'demo');

/** The model shipped with the project (MobileNet V2, float16 kernels), served when MODEL_DIR is unset. */
export const shippedModelDir = () => path.join(projectRoot(), 'default-model');
