import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { percentile } from './httpLoad';
import type { BareFigures, BareJob } from './barePipelineWorker';

/** The bare pipeline's figures, per image, on one thread. */
export interface BareSummary {
  images: number;
  inputSize: number;
  layout: string;
  decodeMeanMs: number;
  decodeP50Ms: number;
  predictMeanMs: number;
  predictP50Ms: number;
  /** decode + predict of one image, mean over the photos: what one core spends per image. */
  perImageMeanMs: number;
  /** p50 of decode + predict per image: the latency a lone request could have. */
  perImageP50Ms: number;
  /** The gateway's decodeImage of the same photos, same thread. */
  gatewayDecodeMeanMs: number;
  gatewayDecodeP50Ms: number;
  /** CPU of the predict thread alone. */
  cpuMsPerImage?: number;
  /** CPU of the whole process meanwhile (the worker thread plus libvips' decode thread), per image of the timed loop. */
  processCpuMsPerImage: number;
}

/** Runs bench/support/barePipelineWorker in a worker thread of this process and sums up its figures. */
export function runBarePipeline(job: BareJob): Promise<BareSummary> {
  const entry = path.join(__dirname, 'barePipelineWorker.js');
  const worker = new Worker(entry, { workerData: job });
  let cpuAfter = 0;
  let cpuBefore: NodeJS.CpuUsage | undefined;
  worker.on('message', (message: { type: string }) => {
    if (message.type === 'timing') cpuBefore = process.cpuUsage();
  });
  return new Promise<BareSummary>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare pipeline took too long')), (job.seconds + 120) * 1000);
    worker.on('message', (message: { type: 'timing' } | { type: 'timed' } | { type: 'done'; figures: BareFigures } | { type: 'failed'; message: string }) => {
      if (message.type === 'timing') return;
      if (message.type === 'timed') {
        const used = process.cpuUsage(cpuBefore);
        cpuAfter = (used.user + used.system) / 1000;
        return;
      }
      clearTimeout(timer);
      void worker.terminate();
      if (message.type === 'failed') return reject(new Error(message.message));
      resolve({ ...summarise(message.figures), processCpuMsPerImage: cpuAfter / message.figures.images });
    });
    worker.once('error', (error) => (clearTimeout(timer), reject(error)));
  });
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

function summarise(f: BareFigures): Omit<BareSummary, 'processCpuMsPerImage'> {
  const perImage = f.decodeMs.map((ms, i) => ms + f.predictMs[i]);
  return {
    images: f.images,
    inputSize: f.inputSize,
    layout: f.layout,
    decodeMeanMs: mean(f.decodeMs),
    decodeP50Ms: percentile(f.decodeMs, 0.5),
    predictMeanMs: mean(f.predictMs),
    predictP50Ms: percentile(f.predictMs, 0.5),
    perImageMeanMs: mean(perImage),
    perImageP50Ms: percentile(perImage, 0.5),
    gatewayDecodeMeanMs: mean(f.gatewayDecodeMs),
    gatewayDecodeP50Ms: percentile(f.gatewayDecodeMs, 0.5),
    cpuMsPerImage: f.threadCpuSeconds === undefined ? undefined : (1000 * f.threadCpuSeconds) / f.images,
  };
}

/** Two runs (before and after the HTTP runs, on a shared machine) averaged figure by figure. */
export function averageBare(runs: BareSummary[]): BareSummary {
  const avg = (pick: (run: BareSummary) => number) => mean(runs.map(pick));
  return {
    ...runs[0],
    images: runs.reduce((sum, run) => sum + run.images, 0),
    decodeMeanMs: avg((r) => r.decodeMeanMs),
    decodeP50Ms: avg((r) => r.decodeP50Ms),
    predictMeanMs: avg((r) => r.predictMeanMs),
    predictP50Ms: avg((r) => r.predictP50Ms),
    perImageMeanMs: avg((r) => r.perImageMeanMs),
    perImageP50Ms: avg((r) => r.perImageP50Ms),
    gatewayDecodeMeanMs: avg((r) => r.gatewayDecodeMeanMs),
    gatewayDecodeP50Ms: avg((r) => r.gatewayDecodeP50Ms),
    cpuMsPerImage: runs.every((r) => r.cpuMsPerImage !== undefined) ? avg((r) => r.cpuMsPerImage!) : undefined,
    processCpuMsPerImage: avg((r) => r.processCpuMsPerImage),
  };
}
