import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { decodeImage } from '../../src/models/decodeImage';
import { readModelSpec } from '../../src/models/modelFolder';
import { normaliseInto } from '../../src/runtime/tensors';
import { threadCpuSeconds } from './threadCpu';

/**
 * The bare pipeline, on ONE thread: a plain sharp decode + resize of each photo (libvips limited to one
 * thread) and ONNX Runtime predict of the same model (one intra-op thread, batch 1), timed separately,
 * photo after photo, for `seconds`. Also the gateway's own decode (decodeImage) of the same photos, to
 * compare the two decodes. Started by bench/classify.ts; posts `{type: 'done', figures}` or `{type: 'failed'}`.
 */
export interface BareJob {
  onnxFile: string;
  modelDir: string;
  photos: string[];
  seconds: number;
}

export interface BareFigures {
  inputSize: number;
  layout: 'NHWC' | 'NCHW';
  /** Per photo, in job order: ms of each timed pass. */
  decodeMs: number[];
  gatewayDecodeMs: number[];
  predictMs: number[];
  images: number;
  wallSeconds: number;
  threadCpuSeconds?: number;
}

async function main(job: BareJob): Promise<BareFigures> {
  sharp.concurrency(1);
  sharp.cache(false);
  const spec = await readModelSpec(job.modelDir);
  const session = await ort.InferenceSession.create(job.onnxFile, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const meta = session.inputMetadata[0];
  if (!meta.isTensor) throw new Error('the model input is not a tensor');
  const layout = meta.shape[3] === 3 ? 'NHWC' : 'NCHW';
  const fixed = layout === 'NHWC' ? meta.shape[1] : meta.shape[2];
  const size = typeof fixed === 'number' ? fixed : (spec.inputSize ?? 224);
  const dims = layout === 'NHWC' ? [1, size, size, 3] : [1, 3, size, size];
  const input = new Float32Array(size * size * 3);
  const photos = job.photos.map((file) => fs.readFileSync(file));
  const decode = (bytes: Buffer) => sharp(bytes).rotate().resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const predict = async (pixels: Uint8Array) => {
    normaliseInto(input, pixels, 1, size, spec.inputRange, layout);
    const out = await session.run({ [meta.name]: new ort.Tensor('float32', input, dims) });
    return out[session.outputNames[0]].data;
  };
  // Warm-up: every photo once through both decodes and predict.
  for (const bytes of photos) {
    await decodeImage(bytes, { size, crop: spec.crop }, 40_000_000);
    await predict(await decode(bytes));
  }
  const decodeMs: number[] = [];
  const gatewayDecodeMs: number[] = [];
  const predictMs: number[] = [];
  parentPort!.postMessage({ type: 'timing' });
  const cpuBefore = threadCpuSeconds();
  const started = performance.now();
  let images = 0;
  while (performance.now() - started < job.seconds * 1000 || images < photos.length) {
    const bytes = photos[images % photos.length];
    let t = performance.now();
    const pixels = await decode(bytes);
    decodeMs.push(performance.now() - t);
    t = performance.now();
    await predict(pixels);
    predictMs.push(performance.now() - t);
    images++;
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = threadCpuSeconds();
  parentPort!.postMessage({ type: 'timed' });
  // The gateway's decode of the same photos, as many passes, after the timed loop (it is a separate figure).
  for (let i = 0; i < images; i++) {
    const t = performance.now();
    await decodeImage(photos[i % photos.length], { size, crop: spec.crop }, 40_000_000);
    gatewayDecodeMs.push(performance.now() - t);
  }
  await session.release();
  return {
    inputSize: size,
    layout,
    decodeMs,
    gatewayDecodeMs,
    predictMs,
    images,
    wallSeconds,
    threadCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
}

if (parentPort) {
  const port = parentPort;
  main(workerData as BareJob).then(
    (figures) => port.postMessage({ type: 'done', figures }),
    (error: Error) => port.postMessage({ type: 'failed', message: error.stack ?? error.message }),
  );
}
