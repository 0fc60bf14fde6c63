import type { io } from '@tensorflow/tfjs';

/** Weights by their manifest name ("conv_0/kernel"), as float32 in TF.js order (kernels HWIO). */
export type WeightMap = Map<string, Float32Array>;

/**
 * Decodes the concatenated shards of a TF.js weights manifest (in manifest order, as
 * src/models/modelFolder.ts `readModelArtifacts` returns them) into float32 arrays, without a TF.js
 * backend: float32 / int32 values, and the quantised forms tensorflowjs_converter writes (uint8 and
 * uint16 with scale + min, float16). Throws with the reason when the data does not fit the manifest.
 */
export function decodeWeights(specs: io.WeightsManifestEntry[], data: ArrayBuffer): WeightMap {
  const weights: WeightMap = new Map();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const quantization = spec.quantization;
    const storedAs = quantization?.dtype ?? spec.dtype;
    const bytesPer = BYTES_PER[storedAs];
    if (bytesPer === undefined) throw new Error(`weight "${spec.name}" is stored as ${storedAs}, which the converter does not read`);
    const bytes = size * bytesPer;
    if (offset + bytes > data.byteLength) throw new Error(`the weight shards end before weight "${spec.name}" (need ${offset + bytes} bytes, have ${data.byteLength})`);
    const view = new DataView(data, offset, bytes);
    const values = new Float32Array(size);
    if (storedAs === 'float32') values.set(new Float32Array(data.slice(offset, offset + bytes)));
    else if (storedAs === 'int32') for (let i = 0; i < size; i++) values[i] = view.getInt32(4 * i, true);
    else if (storedAs === 'float16') for (let i = 0; i < size; i++) values[i] = float16(view.getUint16(2 * i, true));
    else {
      const scale = quantization?.scale ?? 1;
      const min = quantization?.min ?? 0;
      for (let i = 0; i < size; i++) values[i] = (storedAs === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
    }
    weights.set(spec.name, values);
    offset += bytes;
  }
  return weights;
}

const BYTES_PER: Record<string, number | undefined> = { float32: 4, int32: 4, float16: 2, uint8: 1, uint16: 2 };

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
