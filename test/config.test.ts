import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, CONFIG_VARIABLES, ConfigError, loadConfig, loggingConfig } from '../src/config';
import { checkHost } from '../src/http/checkHost';
import { renderConfigTable, replaceConfigTable, TABLE_END, TABLE_START } from '../scripts/support/configTable';

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
    [{ CORS_ORIGINS: '*' }, /CORS_ORIGINS/],
    [{ CORS_ORIGINS: 'https://app.example.com/' }, /CORS_ORIGINS/],
    [{ INTROSPECTION: 'maybe' }, /INTROSPECTION/],
    [{ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' }, /HEADERS_TIMEOUT_MS/],
    [{ INFERENCE_QUEUE_LIMIT: '8' }, /INFERENCE_QUEUE_LIMIT \(8\) must be at least MAX_UPLOAD_FILES \(16\)/],
    // The newcomer's mistakes: one line naming the variable, the value and what is expected.
    [{ PORT: '70000' }, /^PORT must be an integer from 0 to 65535, got "70000"$/],
    [{ LOG_LEVEL: 'verbose' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/],
    [{ LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be one of json, pretty, got "xml"$/],
    [{ DATA_DIR: '/nonexistent' }, /^DATA_DIR must name an existing directory \(a folder of Open Images CSV files\), got "\/nonexistent": not found$/],
    [{ EMBEDDINGS: '/nonexistent.parquet' }, /^EMBEDDINGS must name an existing file \(a Parquet file written by `npm run embed`\), got "\/nonexistent.parquet": not found$/],
    [
      { GOOGLE_APPLICATION_CREDENTIALS: '/missing.json' },
      /^GOOGLE_APPLICATION_CREDENTIALS must name an existing file \(a service account key in JSON\), got "\/missing.json": not found$/,
    ],
    [{ DUCKDB_PATH: '/nonexistent/db.duckdb' }, /^DUCKDB_PATH must be a file path in an existing folder/],
    [{ VISION_API_ENDPOINT: 'localhost' }, /^VISION_API_ENDPOINT must be host:port/],
    [{ EMBEDDINGS_INDEX_MIN_ROWS: '0' }, /EMBEDDINGS_INDEX_MIN_ROWS/],
    [{ TRAINING_REMOTE_SOURCES: 'images.example.com,*.example.com' }, /^TRAINING_REMOTE_SOURCES must list hosts or buckets separated by commas: "\*\.example\.com" is not a host/],
    [{ BIGQUERY_EMBEDDINGS_TABLE: 'image_embeddings' }, /BIGQUERY_EMBEDDINGS_TABLE needs STORE=bigquery and EMBEDDINGS/],
    [
      { STORE: 'bigquery', BIGQUERY_DATASET: 'd', EMBEDDINGS: path.join(root, 'package.json'), BIGQUERY_EMBEDDINGS_TABLE: 'x; DROP' },
      /BIGQUERY_EMBEDDINGS_TABLE must be a table id/,
    ],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('MODEL_REPOSITORY: a folder or gs://bucket/prefix (with its endpoint); other URLs are refused', () => {
    expect(loadConfig({ MODEL_REPOSITORY: 'gs://my-bucket/models', MODEL_REPOSITORY_GCS_ENDPOINT: 'http://127.0.0.1:4443/' }).replicas).toMatchObject({
      modelRepository: 'gs://my-bucket/models',
      gcsApiEndpoint: 'http://127.0.0.1:4443',
    });
    expect(() => loadConfig({ MODEL_REPOSITORY: 's3://bucket/models' })).toThrow(/^MODEL_REPOSITORY must be a folder or gs:\/\/bucket\/prefix/);
    expect(() => loadConfig({ MODEL_REPOSITORY: 'gs://B' })).toThrow(/^MODEL_REPOSITORY: "gs:\/\/B" is not gs:\/\/bucket/);
    expect(() => loadConfig({ MODEL_REPOSITORY_GCS_ENDPOINT: 'localhost:4443' })).toThrow(/^MODEL_REPOSITORY_GCS_ENDPOINT must be an http\(s\) base URL/);
  });

  it('TRAINING_REMOTE_SOURCES: local rows only when unset; hosts and buckets when listed', () => {
    expect(loadConfig({}).trainingRemoteSources).toEqual({ https: [], http: [], buckets: [] });
    expect(loadConfig({ TRAINING_REMOTE_SOURCES: 'images.example.com, http://old.example.com:8080, gs://my-bucket' }).trainingRemoteSources).toEqual({
      https: ['images.example.com'],
      http: ['old.example.com:8080'],
      buckets: ['my-bucket'],
    });
  });

  it('refuses a credentials file that is not a JSON key, and accepts one that is', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.json'), 'not json');
      fs.writeFileSync(path.join(dir, 'key.json'), JSON.stringify({ type: 'service_account' }));
      expect(() => loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'bad.json') })).toThrow(/^GOOGLE_APPLICATION_CREDENTIALS must name a JSON key file/);
      expect(loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, 'key.json') }).vision.credentialsFile).toBe(path.join(dir, 'key.json'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a HOST that does not resolve, before anything loads', async () => {
    await expect(checkHost('bogus.invalid')).rejects.toThrow(/^HOST must be an address or host name of this machine .*got "bogus.invalid": ENOTFOUND$/);
    await expect(checkHost('127.0.0.1')).resolves.toBeUndefined();
  });

  it('builds the logger from lenient settings (loadConfig reports the bad ones): JSON unless on a terminal or asked', () => {
    expect(loggingConfig({ LOG_LEVEL: 'verbose' }, false)).toEqual({ level: 'info', format: 'json' });
    expect(loggingConfig({}, true)).toEqual({ level: 'info', format: 'pretty' });
    expect(loggingConfig({ LOG_FORMAT: 'json', LOG_LEVEL: 'debug' }, true)).toEqual({ level: 'debug', format: 'json' });
  });

  it('reads the runtime choice and ONNX Runtime threads', () => {
    expect(loadConfig({})).toMatchObject({ inferenceRuntime: 'auto', onnxThreads: 1 });
    expect(loadConfig({ INFERENCE_RUNTIME: 'TFJS', ONNX_THREADS: '2' })).toMatchObject({ inferenceRuntime: 'tfjs', onnxThreads: 2 });
    expect(() => loadConfig({ INFERENCE_RUNTIME: 'gpu' })).toThrow(/INFERENCE_RUNTIME must be "auto", "onnx" or "tfjs"/);
    expect(() => loadConfig({ ONNX_THREADS: '0' })).toThrow(/ONNX_THREADS/);
  });

  it('stops on a MODEL_DIR that is missing or holds no model.json, naming MODEL_DIR and the problem', () => {
    const missing = path.join(root, 'no-such-model-folder');
    expect(() => loadConfig({ MODEL_DIR: missing })).toThrow(`MODEL_DIR ${missing}: no such folder`);
    expect(() => loadConfig({ MODEL_DIR: path.join(root, 'src') })).toThrow(/^MODEL_DIR .*src: the folder has neither model\.json nor model\.onnx/);
    expect(() => loadConfig({ MODEL_DIR: path.join(root, 'package.json') })).toThrow(/MODEL_DIR .*package\.json: not a folder/);
    expect(loadConfig({ MODEL_DIR: path.join(root, 'default-model') }).modelDir).toBe(path.join(root, 'default-model'));
    const onnxFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'config-onnx-'));
    try {
      fs.writeFileSync(path.join(onnxFolder, 'model.onnx'), '');
      expect(loadConfig({ MODEL_DIR: onnxFolder }).modelDir).toBe(onnxFolder);
    } finally {
      fs.rmSync(onnxFolder, { recursive: true, force: true });
    }
  });

  it('serves the shipped default model unless DEFAULT_MODEL=none (or off)', () => {
    expect(loadConfig({}).defaultModel).toBe('shipped');
    expect(loadConfig({ DEFAULT_MODEL: 'none' }).defaultModel).toBe('none');
    expect(loadConfig({ DEFAULT_MODEL: 'OFF' }).defaultModel).toBe('none');
    expect(() => loadConfig({ DEFAULT_MODEL: 'mobilenet' })).toThrow(/DEFAULT_MODEL must be "shipped" or "none"/);
  });

  it('documents every variable it reads, each once', () => {
    // Every read goes through a spec, so recording the names loadConfig asks for finds any read the specs miss.
    const read = new Set<string>();
    const recording = (values: Record<string, string>) =>
      new Proxy(values, {
        get: (target, name) => {
          if (typeof name === 'string') read.add(name);
          return target[name as string];
        },
      });
    loadConfig(recording({}));
    loadConfig(recording({ NODE_ENV: 'production', HOST: 'api.example.com' }));
    loggingConfig(recording({}));
    const documented = CONFIG_VARIABLES.map((v) => v.name);
    expect(documented.filter((name, index) => documented.indexOf(name) !== index)).toEqual([]);
    expect([...read].filter((name) => !documented.includes(name))).toEqual([]);
    // The gateway reads every documented variable but the command-line tools' own.
    const cliOnly = Object.values(CLI).map((v) => v.name);
    expect(documented.filter((name) => !read.has(name) && !cliOnly.includes(name))).toEqual([]);
  });

  it("the README's configuration table is the one the specs generate (npm run docs:config rewrites it)", () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END)).trim();
    expect(table).toBe(renderConfigTable(CONFIG_VARIABLES));
    expect(replaceConfigTable(readme, CONFIG_VARIABLES)).toBe(readme);
  });

  it('documents a plain default as the value the parser falls back to', () => {
    const config = loadConfig({});
    const documented = (name: string) => CONFIG_VARIABLES.find((v) => v.name === name)?.default;
    expect(documented('PORT')).toBe(`\`${config.port}\``);
    expect(documented('MAX_RESPONSE_BYTES')).toBe(`\`${config.maxResponseBytes}\``);
    expect(documented('AUTH_ALGORITHMS')).toBe(`\`${config.auth.algorithms.join(',')}\``);
    expect(documented('MODELS_DIR')).toBe(`\`${config.modelsDir}\``);
    expect(loadConfig({ NODE_ENV: 'production', HOST: 'api.example.com' }).rateLimits.classifyPerMinute).toBe(600);
    expect(documented('RATE_LIMIT_CLASSIFY_PER_MINUTE')).toMatch(/^`600` when listening beyond loopback in production, else `0`/);
    expect(config.rateLimits.classifyPerMinute).toBe(0);
  });

  it('src/config/ is the only place that reads the environment (src/, resolvers/)', () => {
    const files = ['src', 'resolvers'].flatMap((dir) => typeScriptFiles(path.join(root, dir)));
    const readers = files
      .filter((file) => !path.relative(root, file).startsWith(path.join('src', 'config') + path.sep))
      .filter((file) => /process\.env|\benv\.[A-Z_]+|\benv\[/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(readers).toEqual([]);
  });
});

function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}
