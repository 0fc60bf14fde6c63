import path from 'node:path';
import type { BareSummary } from '../support/barePipeline';
import { cpuPressure, loadAverage } from '../support/gatewayProcess';
import { percentile } from '../support/httpLoad';
import { imagesPerSecond, type Layout, type WorkloadRun } from './httpWorkloads';

/** bench:classify's figures and its targets, against capacity = cores x 1000 / (decode + predict ms per image on one thread). */
const C8_TARGET = 0.6;
const BATCHED_TARGET = 0.75;
const LONE_FACTOR = 1.5;
const LONE_SLACK_MS = 5;
const DECODE_TARGET = 1.2;

export interface ClassifyFigures {
  modelDir: string;
  cores: number;
  /** The bare pipeline, before and after the HTTP runs, averaged. */
  bare: BareSummary;
  capacity: number;
  layouts: Layout[];
  results: Map<Layout, WorkloadRun[]>;
  started: number;
}

export function printTargets({ modelDir, cores, bare, capacity, layouts, results, started }: ClassifyFigures): void {
  console.log('');
  console.log(
    `Bare pipeline (one thread, before/after averaged): decode ${bare.decodeMeanMs.toFixed(1)} + predict ${bare.predictMeanMs.toFixed(1)} = ${bare.perImageMeanMs.toFixed(1)} ms per image (mean over the photos); p50 ${bare.perImageP50Ms.toFixed(1)} ms`,
  );
  console.log(`capacity = ${cores} cores x 1000 / ${bare.perImageMeanMs.toFixed(1)} ms = ${capacity.toFixed(1)} images/s`);
  console.table(
    [...results].flatMap(([layout, runs]) =>
      runs.map((run) => ({
        layout: layout.env.ONNX_THREADS === '1' ? `${cores}w x 1t` : `1w x ${cores}t`,
        workload: run.workload.name,
        'images/s': Number(imagesPerSecond(run).toFixed(1)),
        '% capacity': Math.round((100 * imagesPerSecond(run)) / capacity),
        'p50 ms': Number(percentile(run.okLatencies, 0.5).toFixed(1)),
        'p95 ms': Number(percentile(run.okLatencies, 0.95).toFixed(1)),
        errors: run.failed,
        'mean batch': Number((run.batchImages / Math.max(1, run.batches)).toFixed(2)),
        'predict ms/image': Number(((1000 * run.predictSeconds) / Math.max(1, run.batchImages)).toFixed(1)),
        'CPU-ms/image': Number(((1000 * run.cpuSeconds) / Math.max(1, run.requests * run.workload.photosPerRequest)).toFixed(1)),
        'cores used': Number((run.cpuSeconds / run.seconds).toFixed(2)),
      })),
    ),
  );
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const [lone, loaded, batched] = results.get(layouts[0])!;
  const c8 = imagesPerSecond(loaded) / capacity;
  const b8 = imagesPerSecond(batched) / capacity;
  const loneP50 = percentile(lone.okLatencies, 0.5);
  const loneLimit = LONE_FACTOR * bare.perImageP50Ms + LONE_SLACK_MS;
  const decodeRatio = bare.gatewayDecodeMeanMs / bare.decodeMeanMs;
  console.log(
    `TARGET ${loaded.workload.name}: ${imagesPerSecond(loaded).toFixed(1)} / ${capacity.toFixed(1)} = ${(100 * c8).toFixed(0)}% of capacity (target >= ${100 * C8_TARGET}%): ${verdict(c8 >= C8_TARGET)}`,
  );
  console.log(
    `TARGET ${batched.workload.name}: ${imagesPerSecond(batched).toFixed(1)} / ${capacity.toFixed(1)} = ${(100 * b8).toFixed(0)}% of capacity (target >= ${100 * BATCHED_TARGET}%): ${verdict(b8 >= BATCHED_TARGET)}`,
  );
  console.log(
    `TARGET lone request p50 ${loneP50.toFixed(1)} ms <= ${LONE_FACTOR} x bare p50 ${bare.perImageP50Ms.toFixed(1)} ms + ${LONE_SLACK_MS} ms = ${loneLimit.toFixed(1)} ms: ${verdict(loneP50 <= loneLimit)}`,
  );
  console.log(
    `TARGET decode: the gateway's decode ${bare.gatewayDecodeMeanMs.toFixed(1)} ms / bare sharp decode + resize ${bare.decodeMeanMs.toFixed(1)} ms (means, same photos, one thread) = ${decodeRatio.toFixed(2)}x (target <= ${DECODE_TARGET}x): ${verdict(decodeRatio <= DECODE_TARGET)}`,
  );
  // On a shared machine the wall-clock ratios measure the share of the cores this run got; CPU time barely
  // depends on it: bare CPU per image (decode + predict, whole process) over the gateway's CPU per image is
  // the share of capacity the gateway would reach with the cores to itself.
  const cpuShare = (run: WorkloadRun) => bare.processCpuMsPerImage / ((1000 * run.cpuSeconds) / Math.max(1, run.requests * run.workload.photosPerRequest));
  console.log(
    `cross-check in CPU time: bare pipeline ${bare.processCpuMsPerImage.toFixed(1)} CPU-ms/image; gateway ${loaded.workload.name} ${(100 * cpuShare(loaded)).toFixed(0)}%, ` +
      `${batched.workload.name} ${(100 * cpuShare(batched)).toFixed(0)}% of the bare pipeline's efficiency (the gateway got ${(loaded.cpuSeconds / loaded.seconds).toFixed(2)} and ${(batched.cpuSeconds / batched.seconds).toFixed(2)} of ${cores} cores)`,
  );
  const strictCapacity = (cores * 1000) / (bare.gatewayDecodeMeanMs + bare.predictMeanMs);
  console.log(
    `stricter capacity, with the gateway's own (faster) decode in the bare pipeline: ${cores} x 1000 / (${bare.gatewayDecodeMeanMs.toFixed(1)} + ${bare.predictMeanMs.toFixed(1)}) = ${strictCapacity.toFixed(1)} images/s: ` +
      `${((100 * imagesPerSecond(loaded)) / strictCapacity).toFixed(0)}% and ${((100 * imagesPerSecond(batched)) / strictCapacity).toFixed(0)}%`,
  );
  const pressure = cpuPressure();
  console.log(`load average at the end: ${loadAverage()}, ${pressure}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  if (Number(/([\d.]+)%/.exec(pressure)?.[1] ?? 0) > 50) {
    console.log("NOTE: other processes kept this machine's CPUs busy during the run (CPU pressure above 50%): wall-clock figures measure the share of the cores this run got.");
  }
  console.log(
    `JSON ${JSON.stringify({
      model: path.basename(modelDir),
      cores,
      bare,
      capacity,
      layouts: [...results].map(([layout, runs]) => ({
        layout: layout.env,
        runs: runs.map((r) => ({
          workload: r.workload.name,
          ips: imagesPerSecond(r),
          p50: percentile(r.okLatencies, 0.5),
          p95: percentile(r.okLatencies, 0.95),
          failed: r.failed,
        })),
      })),
    })}`,
  );
}
