import Module from 'node:module';

type BigQueryModule = typeof import('@google-cloud/bigquery');

/**
 * The real `@google-cloud/bigquery` client, loaded by Node's own module loader instead of Jest's.
 * Its HTTP layer (teeny-request) imports the ESM-only node-fetch with a dynamic `import()`, which
 * Jest's CommonJS sandbox rejects without `--experimental-vm-modules`; Jest's `createRequire` stays
 * inside the sandbox, but `Module._load` is Node's own, so the client runs exactly as in production.
 * Values it creates come from Node's realm: code under test must not rely on `instanceof Error` for them.
 */
const nativeLoad = (Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load;

export const NativeBigQuery: BigQueryModule['BigQuery'] = (nativeLoad(require.resolve('@google-cloud/bigquery'), null, false) as BigQueryModule).BigQuery;
