import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeImage, type ImageInput } from '../../src/models/decodeImage';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend } from '../../src/models/tfBackend';

/**
 * Runs two models (an original and a compact copy) on the same decoded images in this thread, one image
 * per predict, taking turns so that both see the same machine load: the figures behind
 * `npm run bench:default-model` and the agreement test.
 */
export interface AgreementFigures {
  images: number;
  top1Agreement: number;
  disagreements: { file: string; original: string; compact: string }[];
  /** Largest |score difference| over every label of every image. */
  maxScoreDiff: number;
  /** Largest difference of the top-1 score. */
  maxTop1ScoreDiff: number;
  originalPredictMs: { mean: number; p50: number };
  compactPredictMs: { mean: number; p50: number };
}

export async function loadModels(dirs: string[]): Promise<LoadedModel[]> {
  const { tf } = await initBackend();
  return Promise.all(dirs.map((dir) => LoadedModel.load(tf, dir)));
}

export function inputOf(model: LoadedModel, crop = model.spec.crop): ImageInput {
  return { size: model.inputSize, crop };
}

export async function decodeAll(files: string[], input: ImageInput): Promise<{ file: string; pixels: Uint8Array }[]> {
  const decoded = [];
  for (const file of files) {
    const image = await decodeImage(await fs.readFile(file), input, 100_000_000);
    if (!image.pixels) throw new Error(`${file} does not decode: ${image.error.message}`);
    decoded.push({ file, pixels: image.pixels });
  }
  return decoded;
}

export function compareModels(original: LoadedModel, compact: LoadedModel, images: { file: string; pixels: Uint8Array }[]): AgreementFigures {
  const labels = original.spec.labels;
  const times: [number[], number[]] = [[], []];
  const disagreements: AgreementFigures['disagreements'] = [];
  let maxScoreDiff = 0;
  let maxTop1ScoreDiff = 0;
  images.forEach(({ file, pixels }, i) => {
    // Alternate which model goes first, so neither always runs on a warmer cache.
    const order = i % 2 === 0 ? [0, 1] : [1, 0];
    const scores: Float32Array[] = [];
    for (const which of order) {
      const started = performance.now();
      scores[which] = [original, compact][which].predict(pixels, 1);
      times[which].push(performance.now() - started);
    }
    const [a, b] = scores;
    for (let k = 0; k < a.length; k++) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a[k] - b[k]));
    const topA = argmax(a);
    const topB = argmax(b);
    maxTop1ScoreDiff = Math.max(maxTop1ScoreDiff, Math.abs(a[topA] - b[topA]));
    if (topA !== topB) disagreements.push({ file: path.basename(file), original: labels[topA], compact: labels[topB] });
  });
  return {
    images: images.length,
    top1Agreement: 1 - disagreements.length / Math.max(1, images.length),
    disagreements,
    maxScoreDiff,
    maxTop1ScoreDiff,
    originalPredictMs: summary(times[0]),
    compactPredictMs: summary(times[1]),
  };
}

export function argmax(scores: Float32Array): number {
  let best = 0;
  for (let k = 1; k < scores.length; k++) if (scores[k] > scores[best]) best = k;
  return best;
}

function summary(ms: number[]): { mean: number; p50: number } {
  const sorted = [...ms].sort((x, y) => x - y);
  return { mean: ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length), p50: sorted[Math.floor(sorted.length / 2)] ?? 0 };
}
