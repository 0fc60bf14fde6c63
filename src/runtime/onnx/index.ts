/**
 * TF.js layers model folders → ONNX, for ONNX Runtime. See convertLayersModel.ts (the pure converter)
 * and onnxCache.ts (convert once per content hash).
 */
export { CONVERTER_VERSION, convertLayersModel, convertModelFolder, type ConversionResult, type ConvertOptions, type WeightSource } from './convertLayersModel';
export { convertModelFolderCached, sourceHash, type CachedConversion } from './onnxCache';
export { OPSET, type Dims } from './onnxGraph';
export { decodeWeights, type WeightMap } from './weightData';
