import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CliFailure, existingDir, numberOption, runCli } from '../scripts/support/cli';
import { backboneSourceOf, loadBackbone } from '../src/backbone/loadBackbone';
import { BackboneThread } from '../src/backbone/BackboneThread';
import { embedFolder } from '../src/embeddings/embedFolder';
import { readVectorColumn } from '../src/embeddings/embeddingsParquet';
import { decodeImage } from '../src/models/decodeImage';
import { initBackend } from '../src/models/tfBackend';
import { defaultOnnxConversion } from '../src/runtime/onnx/conversion';
import { DEFAULT_FEATURE_CACHE_DIR, writeFeatureModel } from '../src/backbone/featureExtractor';
import { averageBare, runBarePipeline, type BareSummary } from './support/barePipeline';
import { cpuPressure, loadAverage } from './support/gatewayProcess';

const FLOWERS = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'flowers');
const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
const TARGET = 0.8;

const USAGE = `npm run bench:embed -- [--images ${FLOWERS}] [--backbone <model dir>] [--feature-layer <name>]
                         [--threads ${CORES}] [--batch 4] [--bare-seconds 8] [--check 24]

npm run embed's throughput against the bare pipeline measured in the same run: a plain sharp decode +
resize and ONNX Runtime predict of the same feature model on one thread (bench/support/barePipeline),
before and after the embed run, averaged. Capacity = cores x 1000 / (decode + predict ms per image).
Prints images/s, the capacity, the ratio (target >= ${TARGET * 100}%), CPU-ms per image of both (the
load-independent share of the ratio) and the load average. Then checks that --check photos embedded one
at a time (batch 1, one thread) give the vectors the run wrote.`;

runCli(
  {
    usage: USAGE,
    options: {
      images: { type: 'string', default: FLOWERS },
      backbone: { type: 'string' },
      'feature-layer': { type: 'string' },
      threads: { type: 'string', default: String(CORES) },
      batch: { type: 'string', default: '4' },
      'bare-seconds': { type: 'string', default: '8' },
      check: { type: 'string', default: '24' },
    },
  },
  async ({ values }) => {
    const images = existingDir('--images', values.images);
    const threads = numberOption('--threads', values.threads, { min: 1, integer: true })!;
    const batchSize = numberOption('--batch', values.batch, { min: 1, integer: true })!;
    const bareSeconds = numberOption('--bare-seconds', values['bare-seconds'], { min: 1 })!;
    const check = numberOption('--check', values.check, { min: 0, integer: true })!;
    const source = backboneSourceOf(values.backbone, values['feature-layer']);
    const started = performance.now();
    const log = (text: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${text}`);
    log(`${CORES} cores, ${os.cpus()[0]?.model ?? 'cpu'}; node ${process.version}; load average ${loadAverage()}, ${cpuPressure()}`);

    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-embed-'));
    try {
      const onnxFile = await featureOnnxFile(source, work);
      const photos = fs
        .readdirSync(images, { recursive: true, encoding: 'utf8' })
        .filter((name) => /\.(jpe?g|png|webp)$/i.test(name))
        .sort()
        .map((name) => path.join(images, name));
      const bareJob = { onnxFile, modelDir: source.dir, photos: photos.slice(0, 64), seconds: bareSeconds };
      const bareRuns: BareSummary[] = [await runBarePipeline(bareJob)];
      log(bareLine(bareRuns[0]));

      const out = path.join(work, 'embeddings.parquet');
      let timedFrom = 0;
      let timed = { images: 0, seconds: 0 };
      let cpuBefore = process.cpuUsage();
      const loadBefore = loadAverage();
      let threadsBefore = cpuByThreadName();
      let threadsAfter = threadsBefore;
      let cpu = process.cpuUsage(cpuBefore);
      const report = await embedFolder({
        images,
        out,
        backbone: source,
        threads,
        batchSize,
        maxImagePixels: 40_000_000,
        seed: 42,
        onStart: () => {
          cpuBefore = process.cpuUsage();
          threadsBefore = cpuByThreadName();
          timedFrom = performance.now();
        },
        onProgress: (done, total) => {
          timed = { images: done, seconds: (performance.now() - timedFrom) / 1000 };
          if (done !== total) return;
          cpu = process.cpuUsage(cpuBefore);
          threadsAfter = cpuByThreadName();
        },
      });
      const embedCpuMs = (cpu.user + cpu.system) / 1000 / timed.images;
      const rate = timed.images / timed.seconds;
      log(
        `npm run embed (embedFolder, ${threads} backbone thread(s), batch ${batchSize}): ${timed.images} images in ${timed.seconds.toFixed(1)} s = ${rate.toFixed(1)} images/s, ` +
          `${embedCpuMs.toFixed(1)} CPU-ms/image (process), ${((cpu.user + cpu.system) / 1e6 / timed.seconds).toFixed(2)} cores used; load average ${loadBefore} -> ${loadAverage()}`,
      );

      log(`  CPU-ms/image by thread: ${threadsCpuLine(threadsBefore, threadsAfter, timed.images)}`);
      bareRuns.push(await runBarePipeline(bareJob));
      log(bareLine(bareRuns[1]));
      const bare = averageBare(bareRuns);
      const capacity = (CORES * 1000) / bare.perImageMeanMs;
      console.log('');
      console.log(
        `bare pipeline (one thread, before/after averaged): decode ${bare.decodeMeanMs.toFixed(1)} + predict ${bare.predictMeanMs.toFixed(1)} = ${bare.perImageMeanMs.toFixed(1)} ms per image`,
      );
      console.log(`capacity = ${CORES} cores x 1000 / ${bare.perImageMeanMs.toFixed(1)} ms = ${capacity.toFixed(1)} images/s`);
      console.log(
        `npm run embed: ${rate.toFixed(1)} images/s = ${((100 * rate) / capacity).toFixed(0)}% of capacity (target >= ${TARGET * 100}%: ${rate >= TARGET * capacity ? 'PASS' : 'FAIL'})`,
      );
      console.log(
        `CPU per image: bare ${bare.processCpuMsPerImage.toFixed(1)} ms, npm run embed ${embedCpuMs.toFixed(1)} ms ` +
          `(bare / embed = ${((100 * bare.processCpuMsPerImage) / embedCpuMs).toFixed(0)}%: the ratio an unloaded machine would give)`,
      );
      const coresGot = (cpu.user + cpu.system) / 1e6 / timed.seconds;
      const fairCapacity = (coresGot * 1000) / bare.processCpuMsPerImage;
      console.log(
        `at the ${coresGot.toFixed(2)} cores this run got on the shared machine, the bare pipeline's CPU cost allows ${fairCapacity.toFixed(1)} images/s: ` +
          `npm run embed reached ${((100 * rate) / fairCapacity).toFixed(0)}% of it`,
      );
      console.log(`load average at the end ${loadAverage()}, ${cpuPressure()}`);
      if (check > 0) await checkVectors(source, images, out, check, log);
      if (report.failures.length > 0) log(`${report.failures.length} file(s) not embedded, e.g. ${report.failures[0].path}: ${report.failures[0].message}`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);

const bareLine = (b: BareSummary) =>
  `bare pipeline, one thread: decode ${b.decodeMeanMs.toFixed(1)} ms + predict ${b.predictMeanMs.toFixed(1)} ms = ${b.perImageMeanMs.toFixed(1)} ms per image (${b.images} images), ` +
  `${b.processCpuMsPerImage.toFixed(1)} CPU-ms/image; load average ${loadAverage()}`;

/** The backbone's feature model (input through the pooled layer) as an ONNX file: what the embed threads run. */
async function featureOnnxFile(source: ReturnType<typeof backboneSourceOf>, work: string): Promise<string> {
  const { tf } = await initBackend();
  const backbone = await loadBackbone(tf, source);
  try {
    const dir = await writeFeatureModel(tf, backbone, path.join(DEFAULT_FEATURE_CACHE_DIR, 'backbones'));
    const result = await defaultOnnxConversion(dir, { cacheDir: DEFAULT_FEATURE_CACHE_DIR });
    if (result.kind !== 'converted') throw new CliFailure(`the feature model has no ONNX form (${result.reason}): the bare pipeline needs one`);
    const file = path.join(work, 'features.onnx');
    fs.writeFileSync(file, result.onnx);
    return file;
  } finally {
    backbone.dispose();
  }
}

/** The first `count` rows of the file against the same photos embedded one at a time, batch 1, on one thread. */
async function checkVectors(source: ReturnType<typeof backboneSourceOf>, images: string, file: string, count: number, log: (text: string) => void): Promise<void> {
  const table = await readVectorColumn(file, 'embedding');
  const thread = await BackboneThread.start(source);
  try {
    let largest = 0;
    const rows = table.rows.slice(0, count);
    for (const [r, row] of rows.entries()) {
      const decoded = await decodeImage(fs.readFileSync(path.join(images, row.path)), thread.info.inputSize, 40_000_000);
      if (!decoded.pixels) throw new CliFailure(`${row.path}: ${decoded.error.message}`);
      const alone = await thread.embed(decoded.pixels, 1);
      for (let c = 0; c < table.dim; c++) largest = Math.max(largest, Math.abs(alone[c] - table.vectors[r * table.dim + c]));
    }
    log(`same vectors: ${rows.length} rows against the photos embedded alone (batch 1): largest difference ${largest.toExponential(2)}`);
  } finally {
    await thread.close();
  }
}

/** CPU seconds of this process's threads by id, with their names (Linux /proc). */
function cpuByThreadName(): Map<string, { name: string; seconds: number }> {
  const threads = new Map<string, { name: string; seconds: number }>();
  for (const tid of fs.existsSync('/proc/self/task') ? fs.readdirSync('/proc/self/task') : []) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = Number(tid) === process.pid ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      threads.set(tid, { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the thread ended meanwhile
    }
  }
  return threads;
}

function threadsCpuLine(before: ReturnType<typeof cpuByThreadName>, after: ReturnType<typeof cpuByThreadName>, images: number): string {
  const byName = new Map<string, number>();
  for (const [tid, thread] of after) byName.set(thread.name, (byName.get(thread.name) ?? 0) + thread.seconds - (before.get(tid)?.seconds ?? 0));
  return [...byName]
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${((1000 * seconds) / images).toFixed(1)}`)
    .join(', ');
}
