/**
 * IEEE 754 half-precision encoding (round to nearest, ties to even), the inverse of the float16
 * dequantisation TF.js applies when a weights manifest says `quantization: {dtype: 'float16'}`.
 * Node 20 has no Math.f16round / Float16Array, hence this.
 */
const scratch = new Float32Array(1);
const bits = new Uint32Array(scratch.buffer);

export function float32ToFloat16Bits(value: number): number {
  scratch[0] = value;
  const x = bits[0];
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Inf / NaN
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // too large: Inf
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // below half the smallest subnormal: signed zero
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function encodeFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}
