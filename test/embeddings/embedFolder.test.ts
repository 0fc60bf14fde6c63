import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { embedFolder, mergeEmbeddings } from '../../src/embeddings/embedFolder';
import { readEmbeddingsParquet } from '../../src/embeddings/embeddingsParquet';
import { loadPca } from '../../src/embeddings/pcaMetadata';
import { inShard, parseShard } from '../../src/embeddings/shards';
import { initBackend } from '../../src/models/tfBackend';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { temporaryDir, writeColourFolders } from '../training/support/images';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');

/** Reads a Parquet file with plain SQL, independently of the code under test. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('npm run embed: images -> backbone embeddings (+ PCA) -> Parquet', () => {
  const root = temporaryDir('embed-');
  const images = path.join(root, 'images');
  const tiny = path.join(root, 'tiny');
  const defaults = { backbone: { kind: 'folder' as const, dir: tiny }, threads: 2, batchSize: 4, maxImagePixels: 1e8, seed: 1 };

  beforeAll(async () => {
    await writeTinyBackbone((await initBackend()).tf, tiny);
    await writeColourFolders(images, 4);
    fs.writeFileSync(path.join(images, 'red', 'broken.jpg'), 'not a jpeg');
  });

  it('writes one row per decodable image with path, label, embedding and PCA, and lists the rest', async () => {
    const out = path.join(root, 'all.parquet');
    const progress: number[] = [];
    const report = await embedFolder({ ...defaults, images, out, pca: 3, onProgress: (done) => progress.push(done) });
    expect(report.images).toBe(12);
    expect(report.failures).toEqual([{ path: 'red/broken.jpg', message: expect.stringMatching(/not an accepted image/) }]);
    expect(progress.at(-1)).toBe(13);
    expect(report.pca!.k).toBe(3);

    const rows = await query(`SELECT path, label, len(embedding)::INTEGER AS dim, len(pca)::INTEGER AS k FROM read_parquet('${out}') ORDER BY path`);
    expect(rows).toHaveLength(12);
    expect(rows[0]).toEqual({ path: 'blue/0.jpg', label: 'blue', dim: 64, k: 3 });
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['blue', 'green', 'red']));
    const schema = await query(`SELECT name, type FROM parquet_schema('${out}') WHERE name IN ('path', 'label', 'embedding', 'pca')`);
    expect(schema.map((s) => s.name)).toEqual(['path', 'label', 'embedding', 'pca']);
    const metadata = Object.fromEntries((await query(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${out}')`)).map((r) => [r.k, r.v]));
    expect(JSON.parse(metadata.backbone as string)).toMatchObject({
      id: expect.stringMatching(/^tiny@[0-9a-f]{12}:global_average_pooling$/),
      featureSize: 64,
      source: { kind: 'folder', dir: tiny },
    });
    expect(metadata.embedding_dim).toBe('64');
    const pca = loadPca(metadata.pca as string);
    expect(pca).toMatchObject({ k: 3, dim: 64 });
    expect(pca.components).toHaveLength(3 * 64);

    // On average, images of one colour are nearer each other than to images of other colours.
    const table = await readEmbeddingsParquet(out);
    const cosine = (a: number, b: number) => {
      const x = table.embeddings.subarray(a * 64, (a + 1) * 64);
      const y = table.embeddings.subarray(b * 64, (b + 1) * 64);
      let dot = 0,
        nx = 0,
        ny = 0;
      for (let i = 0; i < 64; i++) {
        dot += x[i] * y[i];
        nx += x[i] ** 2;
        ny += y[i] ** 2;
      }
      return dot / Math.sqrt(nx * ny);
    };
    let within = 0,
      between = 0,
      withinPairs = 0,
      betweenPairs = 0;
    for (let a = 0; a < 12; a++) {
      for (let b = a + 1; b < 12; b++) {
        if (table.rows[a].label === table.rows[b].label) {
          within += cosine(a, b);
          withinPairs++;
        } else {
          between += cosine(a, b);
          betweenPairs++;
        }
      }
    }
    expect(within / withinPairs).toBeGreaterThan(between / betweenPairs);
  });

  it('gives the same vectors whatever the batch size and the number of threads (decode-ahead keeps the file order)', async () => {
    const one = path.join(root, 'one-by-one.parquet');
    await embedFolder({ ...defaults, threads: 1, batchSize: 1, images, out: one });
    const alone = await readEmbeddingsParquet(one);
    const together = await readEmbeddingsParquet(path.join(root, 'all.parquet'));
    expect(together.rows).toEqual(alone.rows);
    expect(Array.from(together.embeddings)).toEqual(Array.from(alone.embeddings));
  });

  it('splits the work into shards by path hash, and merges the shard files fitting the PCA on the whole set', async () => {
    const shard = parseShard('1/2');
    expect(() => parseShard('2/2')).toThrow(/k\/n/);
    const names = ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg', 'f.jpg'];
    expect(names.filter((n) => inShard(n, shard)).length + names.filter((n) => inShard(n, parseShard('0/2'))).length).toBe(6);

    const parts = path.join(root, 'shards');
    const reports = [];
    for (const index of [0, 1]) {
      reports.push(await embedFolder({ ...defaults, threads: 1, images, out: path.join(parts, `part-${index}.parquet`), shard: { index, count: 2 } }));
    }
    expect(reports[0].images + reports[1].images).toBe(12);
    const merged = await mergeEmbeddings({ inputs: path.join(parts, '*.parquet'), out: path.join(root, 'merged.parquet'), pca: 2, seed: 1 });
    expect(merged.images).toBe(12);
    const whole = await readEmbeddingsParquet(path.join(root, 'all.parquet'));
    const joined = await readEmbeddingsParquet(path.join(root, 'merged.parquet'));
    expect(joined.rows).toEqual(whole.rows);
    for (let i = 0; i < whole.embeddings.length; i++) expect(Math.abs(joined.embeddings[i] - whole.embeddings[i])).toBeLessThan(1e-4);
    expect(joined.metadata.shard).toBeUndefined();
    expect(loadPca(joined.metadata.pca).k).toBe(2);
  });

  it('runs as a command line (dist/scripts/embed.js, built by the test setup)', async () => {
    const out = path.join(root, 'cli.parquet');
    const { stdout } = await run(
      process.execPath,
      [path.join(repo, 'dist', 'scripts', 'embed.js'), '--images', images, '--out', out, '--pca', '2', '--threads', '1', '--backbone', tiny],
      {
        cwd: repo,
      },
    );
    expect(stdout).toMatch(/backbone tiny@[0-9a-f]{12}:global_average_pooling \(64 features\)/);
    expect(stdout).toMatch(/wrote 12 rows to .*cli\.parquet/);
    expect(stdout).toMatch(/PCA: 2 components explain \d+\.\d% of the variance/);
    expect(stdout).toMatch(/1 file\(s\) could not be embedded:\n {2}red\/broken\.jpg: /);
    expect(stdout).toMatch(/throughput: \d+\.\d\d images\/s with 1 thread\(s\)/);
    await expect(run(process.execPath, [path.join(repo, 'dist', 'scripts', 'embed.js'), '--out', out], { cwd: repo })).rejects.toMatchObject({ code: 2 });
  });

  it('follows the shared command-line behaviour: --help, unknown options and missing folders', async () => {
    const embed = (...args: string[]) => run(process.execPath, [path.join(repo, 'dist', 'scripts', 'embed.js'), ...args], { cwd: repo });
    const help = await embed('--help');
    expect(help.stdout).toMatch(/^Usage:\n {2}npm run embed -- --images <dir>/);
    const unknown = await embed('--imagez', images).catch((error) => error);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: unknown option --imagez\n\nUsage:/) });
    const missing = await embed('--images', path.join(root, 'nowhere'), '--out', path.join(root, 'x.parquet')).catch((error) => error);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`error: --images ${path.join(root, 'nowhere')}: no such directory`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
