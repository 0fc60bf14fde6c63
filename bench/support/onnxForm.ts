import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultOnnxConversion } from '../../src/runtime/onnx/conversion';
import { UsageError } from '../../scripts/support/cli';

/** The model's ONNX form: its model.onnx, else what the plugged-in converter makes of it (written to a temporary file). */
export async function onnxFileOf(modelDir: string): Promise<{ file: string; converted: boolean }> {
  const own = path.join(modelDir, 'model.onnx');
  if (fs.existsSync(own)) return { file: own, converted: false };
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-classify-onnx-'));
  const result = await defaultOnnxConversion(modelDir, { cacheDir });
  if (result.kind !== 'converted') {
    throw new UsageError(`--model ${modelDir}: no model.onnx and no ONNX form (${result.reason}); pass --model <a folder with model.onnx and labels.txt or metadata.json>`);
  }
  const file = path.join(cacheDir, 'model.onnx');
  fs.writeFileSync(file, result.onnx);
  return { file, converted: true };
}
