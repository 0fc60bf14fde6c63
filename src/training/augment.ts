import type { Random } from '../embeddings/random';

/** One random variation of a training image: AutoML-style flips, crops and brightness changes. */
export interface Augmentation {
  flip: boolean;
  /** Side of the square crop as a fraction of the image side, and its top-left corner as fractions. */
  cropSide: number;
  cropX: number;
  cropY: number;
  brightness: number;
}

export function randomAugmentation(random: Random): Augmentation {
  const cropSide = 0.75 + 0.25 * random();
  return {
    flip: random() < 0.5,
    cropSide,
    cropX: (1 - cropSide) * random(),
    cropY: (1 - cropSide) * random(),
    brightness: 0.8 + 0.4 * random(),
  };
}

/** Applies an augmentation to size × size RGB pixels: crop, resize back (bilinear), mirror, scale brightness. */
export function augment(pixels: Uint8Array, size: number, a: Augmentation): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const side = a.cropSide * size;
  const left = a.cropX * size;
  const top = a.cropY * size;
  const step = side / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(size - 1, Math.max(0, top + (y + 0.5) * step - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(size - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const column = a.flip ? size - 1 - x : x;
      const sx = Math.min(size - 1, Math.max(0, left + (column + 0.5) * step - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(size - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const top0 = pixels[(y0 * size + x0) * 3 + c] * (1 - fx) + pixels[(y0 * size + x1) * 3 + c] * fx;
        const bottom = pixels[(y1 * size + x0) * 3 + c] * (1 - fx) + pixels[(y1 * size + x1) * 3 + c] * fx;
        out[(y * size + x) * 3 + c] = Math.min(255, Math.round((top0 * (1 - fy) + bottom * fy) * a.brightness));
      }
    }
  }
  return out;
}
