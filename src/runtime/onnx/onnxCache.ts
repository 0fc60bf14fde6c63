import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { onnx } from 'onnx-proto';
import { readModelArtifacts } from '../../models/modelFolder';
import { CONVERTER_VERSION, convertLayersModel } from './convertLayersModel';

export type CachedConversion =
  | {
      kind: 'converted';
      /** `<cacheDir>/<hash>.onnx`: pass to `ort.InferenceSession.create(file)`. */
      file: string;
      /** The model's bytes, as read from the cache or just converted (so callers need not read `file` again). */
      onnx: Uint8Array;
      hash: string;
      /** True when the file was there already and no conversion ran. */
      fromCache: boolean;
      inputName: string;
      outputName: string;
    }
  | { kind: 'unsupported'; reason: string; hash: string };

const SOURCE_KEY = 'source_sha256';

/**
 * Converts a model folder to ONNX once: the result is `<cacheDir>/<hash>.onnx`, where the hash is the
 * sha256 of the converter version, model.json and the weight shards (what the network computes, not
 * metadata.json or labels). A later call with the same content reads the file instead of converting; a
 * file that is unreadable, truncated or for another source is ignored and written again. Files are
 * written beside their final name and renamed, so concurrent callers never see half a file.
 * Suggested folder: `<MODELS_DIR>/.onnx-cache` (a dot folder: model discovery skips it). Unsupported
 * models are not cached (the converter refuses them in milliseconds). Throws ModelFolderError when the
 * folder cannot be read, and file-system errors of the cache folder.
 */
export async function convertModelFolderCached(dir: string, cacheDir: string): Promise<CachedConversion> {
  const artifacts = await readModelArtifacts(dir); // first: a missing or bad folder is a ModelFolderError
  const modelJson = await fs.readFile(path.join(dir, 'model.json'));
  const hash = sourceHash(modelJson, artifacts.weightData as ArrayBuffer);
  const file = path.join(cacheDir, `${hash}.onnx`);
  const cached = await readCached(file, hash);
  if (cached) return { kind: 'converted', file, hash, fromCache: true, ...cached };
  const result = convertLayersModel(artifacts, artifacts, { metadata: { [SOURCE_KEY]: hash } });
  if (result.kind === 'unsupported') return { ...result, hash };
  await fs.mkdir(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await fs.writeFile(temporary, result.onnx);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return { kind: 'converted', file, onnx: result.onnx, hash, fromCache: false, inputName: result.inputName, outputName: result.outputName };
}

/** sha256 (hex) of the converter version, model.json's bytes and the concatenated weight shards. */
export function sourceHash(modelJson: Uint8Array, weightData: ArrayBuffer): string {
  return createHash('sha256').update(`tfjs-layers-to-onnx v${CONVERTER_VERSION}\n`).update(modelJson).update('\n').update(new Uint8Array(weightData)).digest('hex');
}

/**
 * The input and output names of a cached model, or undefined when the file is missing or not a whole
 * model converted from this source: the source hash is written in metadata_props, which protobuf puts
 * after the graph, so a truncated file lacks it.
 */
async function readCached(file: string, hash: string): Promise<{ onnx: Uint8Array; inputName: string; outputName: string } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined;
  }
  try {
    const model = onnx.ModelProto.decode(bytes);
    const source = model.metadataProps.find((prop) => prop.key === SOURCE_KEY)?.value;
    const inputName = model.graph?.input?.[0]?.name;
    const outputName = model.graph?.output?.[0]?.name;
    if (source !== hash || !inputName || !outputName) return undefined;
    return { onnx: new Uint8Array(bytes), inputName, outputName };
  } catch {
    return undefined;
  }
}
