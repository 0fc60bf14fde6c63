import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot, shippedModelDir } from '../src/paths';
import { existingDir, numberOption, runCli, UsageError } from '../scripts/support/cli';
import { runLayout, type HttpOptions, type Layout, type WorkloadRun } from './classify/httpWorkloads';
import { printTargets } from './classify/targets';
import { averageBare, runBarePipeline, type BareSummary } from './support/barePipeline';
import { cpuPressure, loadAverage } from './support/gatewayProcess';
import { onnxFileOf } from './support/onnxForm';

const SHARED = path.resolve(projectRoot(), '..', 'shared');
const DEFAULT_PHOTOS = path.join(SHARED, 'data', 'photos');

const USAGE = `Usage: npm run bench:classify -- [--model <dir>] [--photos <dir>] [--seconds N] [--rounds N] [--concurrency N] [--per-request N] [--compare-threads]

In one run:
  1. the bare pipeline on ONE thread: a plain sharp decode + resize of each photo (libvips on one
     thread) and ONNX Runtime predict of the same model (one intra-op thread, batch 1); also the
     gateway's own decode of the same photos. Run before and after the HTTP runs, averaged;
  2. the built gateway (dist/src/main.js, its own process) classifying real multipart uploads: one photo
     per request at concurrency 1 and --concurrency, and --per-request photos per request at
     --concurrency; the workloads take turns over --rounds rounds (the machine is shared);
  3. with --compare-threads, the same workloads again on the other thread layout: one session per
     worker thread (INFERENCE_WORKERS=cores, ONNX_THREADS=1) against one session using every core
     (INFERENCE_WORKERS=1, ONNX_THREADS=cores);
  4. the targets, against capacity = cores x 1000 / (decode + predict ms per image on one thread):
     - concurrency 8, one photo per request: >= 60% of capacity;
     - 8 photos per request: >= 75% of capacity;
     - a lone request (concurrency 1) p50 <= 1.5 x (bare decode + predict p50) + 5 ms;
     and the decode: the gateway's decode within 1.2x of the bare sharp decode + resize.
  --model          model folder with model.onnx, or a TF.js folder the plugged-in converter converts
                   (default: the shipped default model)
  --photos         folder of photos (default ../shared/data/photos: PNG and JPEG, 512-4000 px)
  --seconds        seconds per workload, all rounds together (default 12)
  --rounds         rounds the workloads take turns in (default 2)
  --concurrency    requests in flight for the loaded runs (default 8)
  --per-request    photos per request in the batched run (default 8)
  --compare-threads  also run the other thread layout
The gateway reads INFERENCE_* (and every other variable) from the environment, as in production.`;

interface Options extends HttpOptions {
  compareThreads: boolean;
}

const SPEC = {
  usage: USAGE,
  options: {
    model: { type: 'string' },
    photos: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    concurrency: { type: 'string' },
    'per-request': { type: 'string' },
    'compare-threads': { type: 'boolean' },
  },
} as const;

function options(values: Record<string, string | boolean | undefined>): Options {
  const modelDir = path.resolve(existingDir('--model', (values.model as string | undefined) ?? shippedModelDir()));
  const photoDir = path.resolve(existingDir('--photos', (values.photos as string | undefined) ?? DEFAULT_PHOTOS));
  const photos = fs
    .readdirSync(photoDir)
    .filter((name) => /\.(png|jpe?g|webp|gif)$/i.test(name))
    .sort()
    .map((name) => path.join(photoDir, name));
  if (photos.length === 0) throw new UsageError(`--photos ${photoDir}: no PNG, JPEG, WebP or GIF files`);
  return {
    modelDir,
    photos,
    seconds: numberOption('--seconds', values.seconds as string | undefined, { min: 1, max: 600 }) ?? 12,
    rounds: numberOption('--rounds', values.rounds as string | undefined, { min: 1, max: 20, integer: true }) ?? 2,
    concurrency: numberOption('--concurrency', values.concurrency as string | undefined, { min: 1, max: 256, integer: true }) ?? 8,
    perRequest: numberOption('--per-request', values['per-request'] as string | undefined, { min: 1, max: 16, integer: true }) ?? 8,
    compareThreads: values['compare-threads'] === true,
  };
}

async function main(opts: Options): Promise<void> {
  const cores = os.availableParallelism();
  const started = Date.now();
  const log = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
  const onnx = await onnxFileOf(opts.modelDir);
  log(
    `model ${path.basename(opts.modelDir)} (${onnx.converted ? 'converted to ONNX by the plugged-in converter' : 'model.onnx'}), ${opts.photos.length} photos from ${path.dirname(opts.photos[0])}; ` +
      `${cores} cores, ${os.cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average ${loadAverage()}, ${cpuPressure()}`,
  );
  const bareJob = { onnxFile: onnx.file, modelDir: opts.modelDir, photos: opts.photos, seconds: Math.max(3, opts.seconds / 3) };
  const bareRuns: BareSummary[] = [await runBarePipeline(bareJob)];
  const bareLine = (b: BareSummary) =>
    `bare pipeline, one thread: decode mean ${b.decodeMeanMs.toFixed(1)} ms (p50 ${b.decodeP50Ms.toFixed(1)}), predict mean ${b.predictMeanMs.toFixed(1)} ms (p50 ${b.predictP50Ms.toFixed(1)}), ` +
    `decode + predict mean ${b.perImageMeanMs.toFixed(1)} ms (p50 ${b.perImageP50Ms.toFixed(1)}), ${b.images} images, ${b.inputSize}px ${b.layout}; ` +
    `gateway decode mean ${b.gatewayDecodeMeanMs.toFixed(1)} ms (p50 ${b.gatewayDecodeP50Ms.toFixed(1)}); load average ${loadAverage()}`;
  log(bareLine(bareRuns[0]));

  const layouts: Layout[] = [{ name: `one session per worker (${cores} workers x 1 ONNX thread)`, env: { INFERENCE_WORKERS: String(cores), ONNX_THREADS: '1' } }];
  if (opts.compareThreads) layouts.push({ name: `one session on every core (1 worker x ${cores} ONNX threads)`, env: { INFERENCE_WORKERS: '1', ONNX_THREADS: String(cores) } });
  const results = new Map<Layout, WorkloadRun[]>();
  for (const layout of layouts) results.set(layout, await runLayout(layout, opts, log));

  bareRuns.push(await runBarePipeline(bareJob));
  log(bareLine(bareRuns[1]));
  const bare = averageBare(bareRuns);
  const capacity = (cores * 1000) / bare.perImageMeanMs;

  printTargets({ modelDir: opts.modelDir, cores, bare, capacity, layouts, results, started });
}

runCli(SPEC, ({ values }) => main(options(values)));
