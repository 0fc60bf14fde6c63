import os from 'node:os';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { backboneSourceOf } from '../src/embeddings/backbone/loadBackbone';
import { embedFolder, mergeEmbeddings, type EmbedReport } from '../src/embeddings/embedFolder';
import { parseShard } from '../src/embeddings/shards';

const USAGE = `Usage:
  npm run embed -- --images <dir> --out <file.parquet> [--pca 50] [--backbone <model dir>] [--feature-layer <name>]
                   [--shard k/n] [--threads 2] [--batch 16] [--seed 42]
  npm run embed -- --merge '<shard files glob>' --out <file.parquet> [--pca 50]

One row per image: path (relative to --images), label (its folder), embedding (the backbone's pooled
features) and, with --pca k, the projection on the k principal axes fitted on the whole set.
--shard k/n embeds only the k-th of n shards of the image list (by a hash of each path), for
running on n machines; --merge joins the shard files into one and fits the PCA there.
The default backbone is the project's default model (default-model/, MobileNet V2, 1280 features).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string' },
      merge: { type: 'string' },
      out: { type: 'string' },
      pca: { type: 'string' },
      backbone: { type: 'string' },
      'feature-layer': { type: 'string' },
      shard: { type: 'string' },
      threads: { type: 'string', default: String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length)) },
      batch: { type: 'string', default: '16' },
      seed: { type: 'string', default: '42' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out || (!values.images === !values.merge)) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const pca = values.pca === undefined ? undefined : positiveInteger('--pca', values.pca);
  const seed = Number(values.seed);
  let report: EmbedReport;
  if (values.merge) {
    report = await mergeEmbeddings({ inputs: values.merge, out: values.out, pca, seed });
  } else {
    const bar = new SingleBar(
      { format: 'embedding |{bar}| {value}/{total} images | {rate} img/s | ETA {eta_formatted}', etaBuffer: 64, hideCursor: true },
      Presets.shades_classic,
    );
    const started = Date.now();
    report = await embedFolder({
      images: values.images!,
      out: values.out,
      backbone: backboneSourceOf(values.backbone, values['feature-layer']),
      pca,
      shard: values.shard ? parseShard(values.shard) : undefined,
      threads: positiveInteger('--threads', values.threads!),
      batchSize: positiveInteger('--batch', values.batch!),
      maxImagePixels: 40_000_000,
      seed,
      onStart: (total, backbone) => {
        console.log(`backbone ${backbone.id} (${backbone.featureSize} features)`);
        bar.start(total, 0, { rate: '0' });
      },
      onProgress: (done) => bar.update(done, { rate: (done / ((Date.now() - started) / 1000)).toFixed(1) }),
    });
    bar.stop();
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
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
