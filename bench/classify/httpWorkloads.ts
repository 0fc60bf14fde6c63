import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  loadAverage,
  metricSum,
  processStats,
  scrapeMetrics,
  startGatewayProcess,
  threadCpuBetween,
  threadSnapshot,
  type GatewayProcess,
  type ThreadGroup,
} from '../support/gatewayProcess';
import { multipartRequest, percentile, runLoad, type LoadRequest, type LoadResult } from '../support/httpLoad';

/** bench:classify over HTTP: the built gateway classifying real multipart uploads, one photo or a batch per request. */

const CLASSIFY = `mutation Classify($files: [Upload!]!) { classify(files: $files, maxResults: 5) { filename error { code message } labels { name score } } }`;

export interface HttpOptions {
  modelDir: string;
  photos: string[];
  seconds: number;
  rounds: number;
  concurrency: number;
  perRequest: number;
}

export interface Workload {
  name: string;
  concurrency: number;
  photosPerRequest: number;
  requests: LoadRequest[];
}

export interface WorkloadRun {
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

export const THREAD_GROUPS: ThreadGroup[] = ['main', 'inference', 'libvips', 'other'];

export const imagesPerSecond = (run: WorkloadRun) => (run.requests * run.workload.photosPerRequest) / run.seconds;

function workloads(url: string, photos: string[], opts: HttpOptions): Workload[] {
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

export interface Layout {
  name: string;
  env: Record<string, string>;
}

export async function runLayout(layout: Layout, opts: HttpOptions, log: (line: string) => void): Promise<WorkloadRun[]> {
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
