import { choice, ConfigError, creatableFile, existing, text } from '../parsers';
import { integerVariable, optionalVariable, textVariable, unset, variable } from '../spec';

/** The metadata store: embedded DuckDB or BigQuery, and where images are served from. */
export const STORE = {
  store: variable<'duckdb' | 'bigquery'>('STORE', 'duckdb', 'Metadata backend: `duckdb` (embedded) or `bigquery`.', (env, name, fallback) =>
    choice(env, name, ['duckdb', 'bigquery'], fallback),
  ),
  dataDir: optionalVariable(
    'DATA_DIR',
    '(unset: built-in demo data)',
    'Folder with `classes.csv`, `image_labels.csv`, `relations.csv` (or the official Open Images file names) loaded into DuckDB at start.',
    (env, name) => existing(env, name, 'directory', 'a folder of Open Images CSV files'),
  ),
  duckdbPath: optionalVariable(
    'DUCKDB_PATH',
    '(unset: in memory)',
    'DuckDB database file; restarts reuse its tables while the source files (names, sizes, modification times) are unchanged, and reload them when they differ.',
    creatableFile,
  ),
  bigqueryProject: textVariable('BIGQUERY_PROJECT', unset('(none)'), 'Project that runs (and is billed for) the query jobs.'),
  bigqueryDataset: textVariable('BIGQUERY_DATASET', unset('(none)'), 'Dataset holding the tables, `project.dataset` or `dataset`.'),
  bigqueryApiEndpoint: textVariable(
    'BIGQUERY_API_ENDPOINT',
    unset('(Google)'),
    'Base URL of a BigQuery-compatible REST endpoint (emulators, tests), e.g. `http://127.0.0.1:9050`.',
  ),
  bigqueryLocation: textVariable('BIGQUERY_LOCATION', unset('(dataset default)'), 'Job location, e.g. `US` or `EU`.'),
  bigqueryTimeoutMs: integerVariable('BIGQUERY_TIMEOUT_MS', 20000, 'Deadline for one store query, retries included.', 1),
  bigqueryMaxRetries: integerVariable('BIGQUERY_MAX_RETRIES', 3, 'Retries of a failed read query (5xx, rate limits) with exponential backoff.'),
  imageUrlTemplate: variable(
    'IMAGE_URL_TEMPLATE',
    'https://storage.googleapis.com/bdcc_open_images_dataset/images/{id}.jpg',
    '`Image.url`; `{id}` is replaced by the image id.',
    (env, name, fallback) => {
      const template = text(env, name) ?? fallback;
      if (!template.includes('{id}')) throw new ConfigError(`${name} must contain the placeholder {id}`);
      return template;
    },
  ),
};
