import { convertModelFolderCached } from './onnxCache';

/**
 * The hook through which a TF.js -> ONNX converter plugs in. The gateway calls the conversion once per
 * TF.js model folder it loads (in the main thread), with a cache folder (`<MODELS_DIR>/.onnx-cache`) the
 * converter may keep its results in, keyed by content hash; `converted` models are then served by ONNX
 * Runtime, `unsupported` ones by TF.js with the reason logged and listed by the `models` query.
 */
export type OnnxConversionResult = { kind: 'converted'; onnx: Uint8Array } | { kind: 'unsupported'; reason: string };

export interface OnnxConversionOptions {
  /** A folder the converter may cache converted models in (created on demand). */
  cacheDir: string;
}

export type OnnxConversion = (dir: string, options: OnnxConversionOptions) => Promise<OnnxConversionResult>;

export const NO_CONVERTER_REASON = 'no TF.js to ONNX converter in this build';

/** No conversion at all: every TF.js folder stays on TF.js (tests of the fallback, and callers that want TF.js). */
export const noConversion: OnnxConversion = async () => ({ kind: 'unsupported', reason: NO_CONVERTER_REASON });

/**
 * The conversion the gateway uses by default: the project's TF.js -> ONNX converter, once per model
 * content (`<cacheDir>/<sha256>.onnx`), read back from the cache on later starts.
 */
export const defaultOnnxConversion: OnnxConversion = async (dir, { cacheDir }) => {
  const converted = await convertModelFolderCached(dir, cacheDir);
  if (converted.kind === 'unsupported') return { kind: 'unsupported', reason: converted.reason };
  return { kind: 'converted', onnx: converted.onnx };
};
