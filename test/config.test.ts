import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config';

const root = path.resolve(__dirname, '..');

describe('configuration', () => {
  it('has working defaults with an empty environment (the embedded DuckDB store)', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, store: 'duckdb', maxUploadBytes: 10 * 1024 * 1024, maxUploadFiles: 16, production: false });
    expect(config.imageUrlTemplate).toContain('{id}');
    expect(config.inference.workers).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ MAX_UPLOAD_BYTES: '-1' }, /MAX_UPLOAD_BYTES/],
    [{ STORE: 'postgres' }, /STORE/],
    [{ STORE: 'bigquery' }, /BIGQUERY_DATASET/],
    [{ IMAGE_URL_TEMPLATE: 'https://x/y.jpg' }, /\{id\}/],
    [{ INFERENCE_QUEUE_LIMIT: '8' }, /INFERENCE_QUEUE_LIMIT \(8\) must be at least MAX_UPLOAD_FILES \(16\)/],
    [{ EMBEDDINGS_INDEX_MIN_ROWS: '0' }, /EMBEDDINGS_INDEX_MIN_ROWS/],
    [{ BIGQUERY_EMBEDDINGS_TABLE: 'image_embeddings' }, /BIGQUERY_EMBEDDINGS_TABLE needs STORE=bigquery and EMBEDDINGS/],
    [{ STORE: 'bigquery', BIGQUERY_DATASET: 'd', EMBEDDINGS: 'e.parquet', BIGQUERY_EMBEDDINGS_TABLE: 'x; DROP' }, /BIGQUERY_EMBEDDINGS_TABLE must be a table id/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('documents every variable it reads, and the README table lists them all', () => {
    const source = fs.readFileSync(path.join(root, 'src', 'config.ts'), 'utf8');
    const read = new Set([...source.matchAll(/(?:text|integer)\(env, '([A-Z_]+)'/g)].map((m) => m[1]));
    read.add('NODE_ENV');
    const documented = new Set(CONFIG_VARIABLES.map((v) => v.name));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
    expect([...documented].filter((name) => !read.has(name))).toEqual([]);
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(CONFIG_VARIABLES.filter((v) => !readme.includes(`| \`${v.name}\` |`)).map((v) => v.name)).toEqual([]);
  });
});
