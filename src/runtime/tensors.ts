import type { InputLayout } from './types';

/**
 * Writes `count` RGB images (size² × 3 bytes each, packed in `pixels`) into `target` as model input in
 * one pass: each byte scaled to [low, high], in `layout` order. With `mirror`, the left-right mirror
 * image of each follows the originals (images count..2·count-1), for test-time mirroring.
 */
export function normaliseInto(target: Float32Array, pixels: Uint8Array, count: number, size: number, [low, high]: [number, number], layout: InputLayout, mirror = false): void {
  const scale = (high - low) / 255;
  const plane = size * size;
  const perImage = plane * 3;
  for (let image = 0; image < count; image++) {
    const src = image * perImage;
    const copies = mirror ? [image, count + image] : [image];
    for (let copy = 0; copy < copies.length; copy++) {
      const dst = copies[copy] * perImage;
      const flip = copy === 1;
      if (layout === 'NHWC' && !flip) {
        for (let i = 0; i < perImage; i++) target[dst + i] = pixels[src + i] * scale + low;
        continue;
      }
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const from = src + (y * size + (flip ? size - 1 - x : x)) * 3;
          const at = y * size + x;
          if (layout === 'NHWC') {
            const to = dst + at * 3;
            target[to] = pixels[from] * scale + low;
            target[to + 1] = pixels[from + 1] * scale + low;
            target[to + 2] = pixels[from + 2] * scale + low;
          } else {
            target[dst + at] = pixels[from] * scale + low;
            target[dst + plane + at] = pixels[from + 1] * scale + low;
            target[dst + 2 * plane + at] = pixels[from + 2] * scale + low;
          }
        }
      }
    }
  }
}

export interface ScoreSpec {
  /** Leading outputs without a label (TF-Slim's "background"). */
  labelOffset: number;
  classes: number;
  outputs: 'probabilities' | 'logits';
}

/**
 * Class scores from a model's raw outputs (`rows` rows of `raw.length / rows` values): the labelled
 * columns, softmaxed when the model gives logits, and with `mirrored` the two halves (originals, then
 * their mirror images) averaged. count × classes values.
 */
export function scoresFrom(raw: Float32Array, rows: number, spec: ScoreSpec, mirrored = false): Float32Array {
  const width = raw.length / rows;
  const { labelOffset, classes } = spec;
  if (!Number.isInteger(width) || width < labelOffset + classes) {
    throw new Error(`the model gave ${width} outputs per image; its labels need ${labelOffset + classes}`);
  }
  const scores = new Float32Array(rows * classes);
  for (let row = 0; row < rows; row++) {
    const from = row * width + labelOffset;
    const to = row * classes;
    if (spec.outputs === 'logits') {
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, raw[from + c]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += scores[to + c] = Math.exp(raw[from + c] - max);
      for (let c = 0; c < classes; c++) scores[to + c] /= sum;
    } else {
      scores.set(raw.subarray(from, from + classes), to);
    }
  }
  if (!mirrored) return scores;
  const count = rows / 2;
  const averaged = new Float32Array(count * classes);
  for (let i = 0; i < averaged.length; i++) averaged[i] = (scores[i] + scores[count * classes + i]) / 2;
  return averaged;
}
