import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../src/config';
import { backboneSourceOf } from '../src/backbone/loadBackbone';
import { loadEmbeddingsTable } from '../src/embeddings/bigquery/loadEmbeddingsTable';
import { createBigQueryClient, resolveDataset, settingsFromConfig } from '../src/store/bigquery/bigQueryConnection';
import { embedFolder, mergeEmbeddings, type EmbedReport } from '../src/embeddings/embedFolder';
import { parseShard } from '../src/embeddings/shards';
import { CliFailure, existingDir, numberOption, runCli, UsageError } from './support/cli';

const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

const USAGE = `Usage:
  npm run embed -- --images <dir> --out <file.parquet> [--pca 50] [--backbone <model dir>] [--feature-layer <name>]
                   [--shard k/n] [--threads ${CORES}] [--batch 4] [--seed 42]
  npm run embed -- --merge '<shard files glob>' --out <file.parquet> [--pca 50]
  npm run embed -- --to-bigquery <table> --from <file.parquet or glob> [--vector-index]

One row per image: path (relative to --images), label (its folder), embedding (the backbone's pooled
features) and, with --pca k, the projection on the k principal axes fitted on the whole set.
--threads n runs n backbones, one per worker thread (default: every core); the closing line gives the
throughput, so a --threads 1 run beside a default one shows the scaling.
--shard k/n embeds only the k-th of n shards of the image list (by a hash of each path), for
running on n machines; --merge joins the shard files into one and fits the PCA there.
--to-bigquery loads a file into <table> of BIGQUERY_DATASET (BIGQUERY_PROJECT, BIGQUERY_API_ENDPOINT,
BIGQUERY_LOCATION as for the gateway) for similarImages with BIGQUERY_EMBEDDINGS_TABLE; --vector-index
also creates the IVF vector index (BigQuery populates one only for tables of 10 MB or more).
The default backbone is the project's default model (default-model/, MobileNet V2, 1280 features).`;

runCli(
  {
    usage: USAGE,
    options: {
      images: { type: 'string' },
      merge: { type: 'string' },
      out: { type: 'string' },
      pca: { type: 'string' },
      backbone: { type: 'string' },
      'feature-layer': { type: 'string' },
      shard: { type: 'string' },
      threads: { type: 'string', default: String(CORES) },
      batch: { type: 'string', default: '4' },
      seed: { type: 'string', default: '42' },
      'to-bigquery': { type: 'string' },
      from: { type: 'string' },
      'vector-index': { type: 'boolean', default: false },
    },
  },
  async ({ values }) => {
    if (values['to-bigquery'] !== undefined) return toBigQuery(values['to-bigquery'], values.from, values['vector-index'] ?? false);
    if (!values.out) throw new UsageError('--out is required');
    if (!values.images === !values.merge) throw new UsageError('give either --images <dir> or --merge <glob>');
    const pca = numberOption('--pca', values.pca, { min: 1, integer: true });
    const seed = numberOption('--seed', values.seed, { integer: true })!;
    let shard;
    if (values.shard) {
      try {
        shard = parseShard(values.shard);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    }
    let report: EmbedReport;
    if (values.merge) {
      report = await mergeEmbeddings({ inputs: values.merge, out: values.out, pca, seed }).catch(expected);
    } else {
      const images = existingDir('--images', values.images);
      const threads = numberOption('--threads', values.threads, { min: 1, integer: true })!;
      const bar = new SingleBar(
        { format: 'embedding |{bar}| {value}/{total} images | {rate} img/s | ETA {eta_formatted}', etaBuffer: 64, hideCursor: true },
        Presets.shades_classic,
      );
      let started = performance.now();
      let embedded = { images: 0, seconds: 0 };
      const cpuBefore = process.cpuUsage();
      report = await embedFolder({
        images,
        out: values.out,
        backbone: backboneSourceOf(values.backbone, values['feature-layer']),
        pca,
        shard,
        threads,
        batchSize: numberOption('--batch', values.batch, { min: 1, integer: true })!,
        maxImagePixels: 40_000_000,
        seed,
        onStart: (total, backbone, runtime) => {
          const on = runtime?.runtime === 'ONNX' ? 'ONNX Runtime' : `TF.js${runtime?.fallbackReason ? ` (not ONNX Runtime: ${runtime.fallbackReason})` : ''}`;
          console.log(`backbone ${backbone.id} (${backbone.featureSize} features) on ${on}, ${threads} thread(s)`);
          bar.start(total, 0, { rate: '0' });
          started = performance.now();
        },
        onProgress: (done) => {
          embedded = { images: done, seconds: (performance.now() - started) / 1000 };
          bar.update(done, { rate: (done / embedded.seconds).toFixed(1) });
        },
      }).catch((error: unknown) => {
        bar.stop();
        return expected(error);
      });
      bar.stop();
      const cpu = process.cpuUsage(cpuBefore);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      console.log(
        `throughput: ${(embedded.images / embedded.seconds).toFixed(2)} images/s with ${threads} thread(s) ` +
          `(${embedded.images} images in ${embedded.seconds.toFixed(1)} s; process CPU ${cpuSeconds.toFixed(1)} s over ${CORES} cores, ` +
          `${((cpuSeconds / report.seconds / CORES) * 100).toFixed(0)}% of the machine)`,
      );
    }
    console.log(`wrote ${report.images} rows to ${report.out} in ${report.seconds.toFixed(1)} s`);
    if (report.pca) {
      const explained = report.pca.explainedVarianceRatio.reduce((sum, ratio) => sum + ratio, 0);
      console.log(`PCA: ${report.pca.k} components explain ${(explained * 100).toFixed(1)}% of the variance (fitted in ${report.pca.seconds.toFixed(1)} s)`);
    }
    if (report.failures.length > 0) {
      console.log(`${report.failures.length} file(s) could not be embedded:`);
      for (const failure of report.failures) console.log(`  ${failure.path}: ${failure.message}`);
    }
  },
);

async function toBigQuery(table: string, from: string | undefined, vectorIndex: boolean): Promise<void> {
  if (!from) throw new UsageError('--to-bigquery needs --from <file.parquet>');
  if (!/^[A-Za-z0-9_]{1,1024}$/.test(table)) throw new UsageError(`--to-bigquery ${table}: a table id is letters, digits and underscores`);
  let settings;
  try {
    settings = settingsFromConfig(loadConfig());
  } catch (error) {
    throw new CliFailure((error as Error).message);
  }
  const dataset = resolveDataset(settings.dataset, settings.project);
  const loaded = await loadEmbeddingsTable(createBigQueryClient(settings), dataset, table, from, { location: settings.location, vectorIndex }).catch(expected);
  console.log(`loaded ${loaded.rows} rows into ${dataset.qualified}.${table} (searched column: ${loaded.column})${vectorIndex ? ', vector index requested' : ''}`);
}

/** A backbone that does not load, a glob that matches nothing, a folder without images: one line, exit 1. */
function expected(error: unknown): never {
  throw new CliFailure(error instanceof Error ? error.message.split('\n')[0] : String(error));
}
