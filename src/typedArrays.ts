/** Typed arrays of numbers the gateway packs: pixels (Uint8Array) and features (Float32Array). */
type NumberArray = Float32Array | Uint8Array;

/** `parts` one after another in a new array of `Type` (e.g. several images' pixels packed into one batch). */
export function concatenate<T extends NumberArray>(Type: new (length: number) => T, parts: readonly T[]): T {
  const out = new Type(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
