import Module from 'node:module';

/**
 * Import this before anything that loads `@google-cloud/bigquery`.
 *
 * The client's HTTP layer, teeny-request, fetches through the ESM-only node-fetch with a dynamic
 * `import()`, which Jest's CommonJS sandbox rejects unless Node runs with `--experimental-vm-modules`.
 * So the test registry gets the very same teeny-request, loaded by Node's own loader (`Module._load`
 * is Node's, Jest's `createRequire` is not), where `import()` works as in production. The rest of the
 * client runs in the sandbox unchanged. Errors raised inside teeny-request then come from Node's
 * realm: code under test must not rely on `instanceof Error` for them.
 */
const nativeLoad = (Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load;

jest.mock('teeny-request', () => nativeLoad(require.resolve('teeny-request'), null, false));
