import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultOnnxConversion } from '../src/runtime/onnx/conversion';
import { projectRoot, shippedModelDir } from '../src/paths';
import { existingDir, numberOption, runCli, UsageError } from '../scripts/support/cli';
import { averageBare, runBarePipeline, type BareSummary } from './support/barePipeline';
import {
  cpuPressure,
  loadAverage,
  metricSum,
  processStats,
  scrapeMetrics,
  startGatewayProcess,
  threadCpuBetween,
  threadSnapshot,
  type GatewayProcess,
  type ThreadGroup,
} from './support/gatewayProcess';
import { multipartRequest, percentile, runLoad, type LoadRequest, type LoadResult } from './support/httpLoad';

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

const CLASSIFY = `mutation Classify($files: [Upload!]!) { classify(files: $files, maxResults: 5) { filename error { code message } labels { name score } } }`;
const C8_TARGET = 0.6;
const BATCHED_TARGET = 0.75;
const LONE_FACTOR = 1.5;
const LONE_SLACK_MS = 5;
const DECODE_TARGET = 1.2;

interface Options {
  modelDir: string;
  photos: string[];
  seconds: number;
  rounds: number;
  concurrency: number;
  perRequest: number;
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

/** The model's ONNX form: its model.onnx, else what the plugged-in converter makes of it (written to a temporary file). */
async function onnxFileOf(modelDir: string): Promise<{ file: string; converted: boolean }> {
  const own = path.join(modelDir, 'model.onnx');
  if (fs.existsSync(own)) return { file: own, converted: false };
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-classify-onnx-'));
  const result = await defaultOnnxConversion(modelDir, { cacheDir });
  if (result.kind !== 'converted') {
    throw new UsageError(`--model ${modelDir}: no model.onnx and no ONNX form (${result.reason}); pass --model <a folder with model.onnx and labels.txt or metadata.json>`);
  }
  const file = path.join(cacheDir, 'model.onnx');
  fs.writeFileSync(file, result.onnx);
  return { file, converted: true };
}

// ---------------------------------------------------------------------------------------------
// Over HTTP

interface Workload {
  name: string;
  concurrency: number;
  photosPerRequest: number;
  requests: LoadRequest[];
}

interface WorkloadRun {
  workload: Workload;
  seconds: number;
  requests: number;
  failed: number;
  firstProblem?: string;
  okLatencies: number[];
  cpuSeconds: number;
  /** CPU seconds by kind of thread (threads that ended are missing). */
  threadSeconds: Record<ThreadGroup, number>;
  batchImages: number;
  batches: number;
  predictSeconds: number;
}

const THREAD_GROUPS: ThreadGroup[] = ['main', 'inference', 'libvips', 'other'];

const imagesPerSecond = (run: WorkloadRun) => (run.requests * run.workload.photosPerRequest) / run.seconds;

function workloads(url: string, photos: string[], opts: Options): Workload[] {
  const upload = (file: string) => ({ name: path.basename(file), bytes: fs.readFileSync(file), type: /\.png$/i.test(file) ? 'image/png' : 'image/jpeg' });
  const singles = photos.map((file) => multipartRequest(url, CLASSIFY, upload(file)));
  // Each batched request holds --per-request photos, taken in turn from the folder, starting at a different photo.
  const batched = photos.map((_, start) =>
    multipartRequest(
      url,
      CLASSIFY,
      Array.from({ length: opts.perRequest }, (__, i) => upload(photos[(start + i) % photos.length])),
    ),
  );
  return [
    { name: 'c=1, 1 photo/request', concurrency: 1, photosPerRequest: 1, requests: singles },
    { name: `c=${opts.concurrency}, 1 photo/request`, concurrency: opts.concurrency, photosPerRequest: 1, requests: singles },
    { name: `c=${opts.concurrency}, ${opts.perRequest} photos/request`, concurrency: opts.concurrency, photosPerRequest: opts.perRequest, requests: batched },
  ];
}

async function measure(gateway: GatewayProcess, workload: Workload, seconds: number): Promise<WorkloadRun> {
  const check = (body: any) => {
    const results = body.data?.classify;
    if (!Array.isArray(results) || results.length !== workload.photosPerRequest || results.some((r: any) => r.error || r.labels.length === 0)) throw new Error('no labels');
  };
  await runLoad(workload.requests, { concurrency: workload.concurrency, seconds: Math.min(2, seconds / 3), maxRequests: 10_000, timeoutMs: 60_000, check });
  gateway.assertRunning();
  const before = await scrapeMetrics(gateway.origin);
  const cpuBefore = processStats(gateway.pid).cpuSeconds;
  const threadsBefore = threadSnapshot(gateway.pid);
  const load: LoadResult = await runLoad(workload.requests, { concurrency: workload.concurrency, seconds, maxRequests: 100_000, timeoutMs: 60_000, check });
  gateway.assertRunning();
  const cpuAfter = processStats(gateway.pid).cpuSeconds;
  const threadSeconds = threadCpuBetween(threadsBefore, threadSnapshot(gateway.pid));
  const after = await scrapeMetrics(gateway.origin);
  const delta = (name: string) => metricSum(after, name) - metricSum(before, name);
  return {
    workload,
    seconds: load.seconds,
    requests: load.ok,
    failed: load.httpErrors + load.transportErrors + load.timeouts + load.invalid + Object.values(load.graphqlErrors).reduce((a, b) => a + b, 0),
    firstProblem: load.firstProblem,
    okLatencies: load.okLatencies,
    cpuSeconds: cpuAfter - cpuBefore,
    threadSeconds,
    batchImages: delta('gateway_inference_batch_size_sum'),
    batches: delta('gateway_inference_batch_size_count'),
    predictSeconds: delta('gateway_inference_duration_seconds_sum'),
  };
}

function add(runs: WorkloadRun[]): WorkloadRun {
  const sum = (pick: (run: WorkloadRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    workload: runs[0].workload,
    seconds: sum((r) => r.seconds),
    requests: sum((r) => r.requests),
    failed: sum((r) => r.failed),
    firstProblem: runs.find((r) => r.firstProblem)?.firstProblem,
    okLatencies: runs.flatMap((r) => r.okLatencies),
    cpuSeconds: sum((r) => r.cpuSeconds),
    threadSeconds: Object.fromEntries(THREAD_GROUPS.map((group) => [group, sum((r) => r.threadSeconds[group])])) as Record<ThreadGroup, number>,
    batchImages: sum((r) => r.batchImages),
    batches: sum((r) => r.batches),
    predictSeconds: sum((r) => r.predictSeconds),
  };
}

interface Layout {
  name: string;
  env: Record<string, string>;
}

async function runLayout(layout: Layout, opts: Options, log: (line: string) => void): Promise<WorkloadRun[]> {
  const gateway = await startGatewayProcess({
    MODEL_DIR: opts.modelDir,
    MODELS_DIR: path.join(os.tmpdir(), 'bench-classify-no-models'),
    MAX_UPLOAD_FILES: String(Math.max(16, opts.perRequest)),
    ...layout.env,
  });
  try {
    const list = workloads(gateway.url, opts.photos, opts);
    const slices = new Map<Workload, WorkloadRun[]>(list.map((w) => [w, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const workload of list) {
        const run = await measure(gateway, workload, opts.seconds / opts.rounds);
        slices.get(workload)!.push(run);
        log(`${layout.name}, round ${round}/${opts.rounds}, ${workload.name}: ${line(run)}; load average ${loadAverage()}`);
      }
    }
    log(`${layout.name}: gateway RSS ${(processStats(gateway.pid).rssBytes / 2 ** 20).toFixed(0)} MB`);
    return list.map((workload) => add(slices.get(workload)!));
  } finally {
    await gateway.stop();
  }
}

const line = (run: WorkloadRun) =>
  `${imagesPerSecond(run).toFixed(1)} images/s, p50 ${percentile(run.okLatencies, 0.5).toFixed(1)} ms, p95 ${percentile(run.okLatencies, 0.95).toFixed(1)} ms, ` +
  `${run.requests} ok, ${run.failed} failed${run.firstProblem ? ` (${run.firstProblem})` : ''}, mean batch ${(run.batchImages / Math.max(1, run.batches)).toFixed(2)}, ` +
  `predict ${((1000 * run.predictSeconds) / Math.max(1, run.batchImages)).toFixed(1)} ms/image in the workers, ` +
  `gateway ${((1000 * run.cpuSeconds) / Math.max(1, run.requests * run.workload.photosPerRequest)).toFixed(1)} CPU-ms/image ` +
  `(${THREAD_GROUPS.map((group) => `${group} ${((1000 * run.threadSeconds[group]) / Math.max(1, run.requests * run.workload.photosPerRequest)).toFixed(1)}`).join(', ')})`;

// ---------------------------------------------------------------------------------------------

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
      model: path.basename(opts.modelDir),
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

runCli(SPEC, ({ values }) => main(options(values)));
