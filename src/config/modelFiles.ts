import fs from 'node:fs';
import path from 'node:path';

/**
 * What makes a folder a model folder: a TF.js `model.json` or an ONNX `model.onnx`. MODEL_DIR is checked
 * against it at start (synchronously, without loading src/models/), and models/modelFolder.ts's
 * isModelFolder uses the same list: one definition, kept in the foundation because both layers need it.
 */
export const MODEL_FILES = ['model.json', 'model.onnx'] as const;

export function hasModelFile(dir: string): boolean {
  return MODEL_FILES.some((file) => fs.existsSync(path.join(dir, file)));
}
