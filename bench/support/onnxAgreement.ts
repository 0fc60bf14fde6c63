import * as ort from 'onnxruntime-node';
import type { ModelSpec } from '../../src/models/modelFolder';
import type { LoadedModel } from '../../src/models/loadedModel';
import { convertModelFolder } from '../../src/runtime/onnx/convertLayersModel';
import { argmax } from './modelAgreement';

/**
 * A model folder converted to ONNX and run by ONNX Runtime on one thread, with the preprocessing and
 * output handling of src/models/loadedModel.ts (input range, labelOffset, logits -> softmax, test-time
 * mirror), so that its scores compare one to one with the TF.js runtime's. For the agreement bench and
 * test; the gateway's own ONNX runtime lives elsewhere.
 */
export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    readonly spec: ModelSpec,
    readonly inputSize: number,
    /** ms the conversion took. */
    readonly convertMs: number,
  ) {}

  static async load(dir: string, like: LoadedModel): Promise<OnnxScorer> {
    const started = performance.now();
    const converted = await convertModelFolder(dir);
    if (converted.kind !== 'converted') throw new Error(`${dir} does not convert: ${converted.reason}`);
    const convertMs = performance.now() - started;
    const session = await ort.InferenceSession.create(converted.onnx, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
    return new OnnxScorer(session, converted.inputName, converted.outputName, like.spec, like.inputSize, convertMs);
  }

  /** Scores of `count` images of inputSize² RGB pixels (0-255): count × labels, row-major, as LoadedModel.predict. */
  async predict(pixels: Uint8Array, count: number): Promise<Float32Array> {
    const size = this.inputSize;
    const [low, high] = this.spec.inputRange;
    const scale = (high - low) / 255;
    const mirror = this.spec.testTimeMirror === true;
    const rows = mirror ? 2 * count : count;
    const input = new Float32Array(rows * size * size * 3);
    for (let i = 0; i < pixels.length; i++) input[i] = pixels[i] * scale + low;
    if (mirror) {
      for (let n = 0; n < count; n++)
        for (let y = 0; y < size; y++)
          for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) input[(((count + n) * size + y) * size + (size - 1 - x)) * 3 + c] = input[((n * size + y) * size + x) * 3 + c];
    }
    const output = (await this.session.run({ [this.inputName]: new ort.Tensor('float32', input, [rows, size, size, 3]) }))[this.outputName];
    const all = output.data as Float32Array;
    const width = all.length / rows;
    const classes = this.spec.labels.length;
    const scores = new Float32Array(rows * classes);
    for (let r = 0; r < rows; r++) {
      const row = all.subarray(r * width + this.spec.labelOffset, r * width + this.spec.labelOffset + classes);
      if (this.spec.outputs === 'logits') scores.set(softmax(row), r * classes);
      else scores.set(row, r * classes);
    }
    if (!mirror) return scores;
    const averaged = new Float32Array(count * classes);
    for (let i = 0; i < averaged.length; i++) averaged[i] = (scores[i] + scores[count * classes + i]) / 2;
    return averaged;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function softmax(row: Float32Array): Float32Array {
  const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
  const exp = row.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

export interface RuntimeAgreement {
  images: number;
  top1Agreement: number;
  disagreements: { file: string; tfjs: string; onnx: string }[];
  /** Largest |score difference| over every label of every image. */
  maxScoreDiff: number;
  tfjsMs: { mean: number; p50: number };
  onnxMs: { mean: number; p50: number };
}

/** Both runtimes on the same decoded images, one image per call, taking turns (so both see the same machine load). */
export async function compareRuntimes(tfjs: LoadedModel, onnx: OnnxScorer, images: { file: string; pixels: Uint8Array }[]): Promise<RuntimeAgreement> {
  const labels = tfjs.spec.labels;
  const times: { tfjs: number[]; onnx: number[] } = { tfjs: [], onnx: [] };
  const disagreements: RuntimeAgreement['disagreements'] = [];
  let maxScoreDiff = 0;
  for (let i = 0; i < images.length; i++) {
    const { file, pixels } = images[i];
    let a: Float32Array = new Float32Array(0);
    let b: Float32Array = new Float32Array(0);
    for (const which of i % 2 === 0 ? (['tfjs', 'onnx'] as const) : (['onnx', 'tfjs'] as const)) {
      const started = performance.now();
      if (which === 'tfjs') a = tfjs.predict(pixels, 1);
      else b = await onnx.predict(pixels, 1);
      times[which].push(performance.now() - started);
    }
    for (let k = 0; k < a.length; k++) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(a[k] - b[k]));
    const [topA, topB] = [argmax(a), argmax(b)];
    if (topA !== topB) disagreements.push({ file, tfjs: labels[topA], onnx: labels[topB] });
  }
  return {
    images: images.length,
    top1Agreement: 1 - disagreements.length / Math.max(1, images.length),
    disagreements,
    maxScoreDiff,
    tfjsMs: summary(times.tfjs),
    onnxMs: summary(times.onnx),
  };
}

function summary(ms: number[]): { mean: number; p50: number } {
  const sorted = [...ms].sort((x, y) => x - y);
  return { mean: ms.reduce((s, x) => s + x, 0) / Math.max(1, ms.length), p50: sorted[Math.floor(sorted.length / 2)] ?? 0 };
}
