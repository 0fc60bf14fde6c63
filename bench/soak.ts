import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliFailure, existingDir, numberOption, runCli, UsageError } from '../scripts/support/cli';
import { inProcessSoak } from './support/inProcessSoak';
import { cpuPressure, loadAverage, metricSum, processStats, scrapeMetrics, startGatewayProcess } from './support/gatewayProcess';
import { multipartRequest, percentile, runLoad, type LoadResult } from './support/httpLoad';

const USAGE = `usage: npm run bench:soak -- [--model <dir>] [--count 10000] [--concurrency 8] [--max-minutes 15] [--photos <dir>]
       npm run bench:soak -- --in-process [--model <dir>] [--count 1500]

Classifies --count real photos (the ones in ../shared/data/photos, in turn, one per request) through
the built gateway (dist/src/main.js, its own process) over HTTP, and samples the gateway's resident
memory (VmRSS from /proc/<pid>/status, and process_resident_memory_bytes from /metrics) every 1,000.
Target: RSS after all of them within 10% of RSS after the first 1,000. Stops and reports early if it
runs past --max-minutes.

--in-process classifies generated images through the model registry in this process instead (no
HTTP) and reports each worker's TF.js tensors before and after (they must not move) and the RSS.

  -h, --help   this text`;

const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
const QUERY = `mutation Classify($files: [Upload!]!) { classify(files: $files, minConfidence: 0, maxResults: 5) { filename error { code message } labels { name score } } }`;
const EARLY_SAMPLE = 1000;
const RSS_TARGET = 0.1;

interface Sample {
  done: number;
  seconds: number;
  rssMb: number;
  metricsRssMb: number;
  heapMb: number;
  imagesPerSecond: number;
  p50: number;
  p99: number;
  loadAverage: string;
}

const spec = {
  usage: USAGE,
  options: {
    model: { type: 'string', default: path.join(SHARED, 'models', 'mobilenet_v1_0.25_224') },
    count: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    'max-minutes': { type: 'string', default: '15' },
    photos: { type: 'string', default: path.join(SHARED, 'data', 'photos') },
    'in-process': { type: 'boolean', default: false },
  },
} as const;

runCli(spec, async ({ values }) => {
  const modelDir = path.resolve(existingDir('--model', values.model));
  if (!fs.existsSync(path.join(modelDir, 'model.json'))) throw new UsageError(`--model ${modelDir}: no model.json in it`);
  const concurrency = numberOption('--concurrency', values.concurrency, { min: 1, max: 256, integer: true })!;
  if (values['in-process']) {
    const count = numberOption('--count', values.count ?? '1500', { min: 6, max: 1_000_000, integer: true })!;
    const clean = await inProcessSoak({ modelDir, count, concurrency, log: (line) => console.log(line) });
    if (!clean) throw new CliFailure('tensors leaked: the workers hold more tensors than before');
    return 0;
  }
  const count = numberOption('--count', values.count ?? '10000', { min: EARLY_SAMPLE, max: 1_000_000, integer: true })!;
  const budgetMs = numberOption('--max-minutes', values['max-minutes'], { min: 0.1, max: 120 })! * 60_000;
  existingDir('--photos', values.photos);

  const photos = fs
    .readdirSync(values.photos!)
    .filter((name) => /\.(png|jpe?g)$/i.test(name))
    .sort()
    .map((name) => ({ name, bytes: fs.readFileSync(path.join(values.photos!, name)), type: /\.png$/i.test(name) ? 'image/png' : 'image/jpeg' }));
  if (photos.length === 0) throw new UsageError(`--photos ${values.photos}: no .png or .jpg in it`);

  const started = Date.now();
  const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const gateway = await startGatewayProcess({ MODEL_DIR: modelDir, MODELS_DIR: path.join(os.tmpdir(), 'bench-soak-no-models') });
  log(
    `gateway pid ${gateway.pid} at ${gateway.url}; model ${path.basename(modelDir)}; ${photos.length} photos in turn (${photos.map((p) => p.name).join(', ')}); ` +
      `${count} classifications at concurrency ${concurrency}; ${os.availableParallelism()} cores; load average ${loadAverage()}, ${cpuPressure()}`,
  );
  const samples: Sample[] = [];
  const totals = { ok: 0, failed: 0, overloaded: 0, timeouts: 0, transport: 0, firstProblem: undefined as string | undefined };
  let stoppedEarly = false;
  try {
    const requests = photos.map((photo) => multipartRequest(gateway.url, QUERY, photo));
    const check = (body: any) => {
      const [result] = body.data.classify;
      if (result.error) throw new Error(`${result.error.code}: ${result.error.message}`);
      if (result.labels.length === 0) throw new Error('no labels');
    };
    const rssAtStart = processStats(gateway.pid).rssBytes;
    log(`RSS before any classification: ${(rssAtStart / 2 ** 20).toFixed(1)} MB`);
    let done = 0;
    let offset = 0;
    while (done < count) {
      const remainingMs = budgetMs - (Date.now() - started);
      if (remainingMs <= 0) {
        stoppedEarly = true;
        break;
      }
      const chunk = Math.min(EARLY_SAMPLE, count - done);
      // Rotate which photo each chunk starts with, so every photo is sent about as often.
      const rotated = [...requests.slice(offset % requests.length), ...requests.slice(0, offset % requests.length)];
      offset += chunk;
      const result: LoadResult = await runLoad(rotated, { concurrency, seconds: remainingMs / 1000, maxRequests: chunk, timeoutMs: 60_000, check });
      const answered = result.ok + result.invalid + result.httpErrors + Object.values(result.graphqlErrors).reduce((a, b) => a + b, 0);
      done += answered + result.timeouts + result.transportErrors;
      totals.ok += result.ok;
      totals.failed += answered - result.ok;
      totals.overloaded += result.graphqlErrors.OVERLOADED ?? 0;
      totals.timeouts += result.timeouts;
      totals.transport += result.transportErrors;
      totals.firstProblem ??= result.firstProblem;
      gateway.assertRunning();
      const metrics = await scrapeMetrics(gateway.origin);
      const sample: Sample = {
        done,
        seconds: (Date.now() - started) / 1000,
        rssMb: processStats(gateway.pid).rssBytes / 2 ** 20,
        metricsRssMb: metricSum(metrics, 'gateway_process_resident_memory_bytes') / 2 ** 20,
        heapMb: metricSum(metrics, 'gateway_nodejs_heap_size_used_bytes') / 2 ** 20,
        imagesPerSecond: result.ok / result.seconds,
        p50: percentile(result.okLatencies, 0.5),
        p99: percentile(result.okLatencies, 0.99),
        loadAverage: loadAverage(),
      };
      samples.push(sample);
      log(
        `${String(done).padStart(6)} done: RSS ${sample.rssMb.toFixed(1)} MB (/metrics ${sample.metricsRssMb.toFixed(1)} MB), main heap ${sample.heapMb.toFixed(1)} MB, ` +
          `${sample.imagesPerSecond.toFixed(1)} images/s, p50 ${sample.p50.toFixed(0)} ms, p99 ${sample.p99.toFixed(0)} ms, ${answered - result.ok} failed, ` +
          `${result.timeouts} timeouts, ${result.transportErrors} transport errors; load average ${sample.loadAverage}, ${cpuPressure()}`,
      );
    }
  } finally {
    await gateway.stop();
  }

  console.log('');
  const first = samples.find((s) => s.done >= EARLY_SAMPLE);
  const last = samples[samples.length - 1];
  if (stoppedEarly) console.log(`STOPPED EARLY: the ${values['max-minutes']}-minute budget ran out after ${last?.done ?? 0} of ${count} classifications.`);
  console.log(
    `${totals.ok} classified, ${totals.failed} failed answers (${totals.overloaded} OVERLOADED), ${totals.timeouts} timeouts, ${totals.transport} transport errors` +
      `${totals.firstProblem ? `; first problem: ${totals.firstProblem}` : ''}`,
  );
  if (first && last) {
    const ratio = last.rssMb / first.rssMb;
    console.log(
      `RSS after ${first.done}: ${first.rssMb.toFixed(1)} MB; after ${last.done}: ${last.rssMb.toFixed(1)} MB; ratio ${ratio.toFixed(3)} ` +
        `(target within ${100 * RSS_TARGET}%): ${Math.abs(ratio - 1) <= RSS_TARGET && !stoppedEarly ? 'MET' : 'NOT MET'}`,
    );
    console.log(`RSS every ${EARLY_SAMPLE}: ${samples.map((s) => s.rssMb.toFixed(0)).join(', ')} MB`);
  }
  console.log('tensors per worker: not exposed over HTTP (/metrics has no TF.js series); `npm run bench:soak -- --in-process` reports them.');
  console.log(`load average at the end: ${loadAverage()}, ${cpuPressure()}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  return 0;
});
