// ESLint flat config: typescript-eslint (type-aware where it pays), import-x for cycles and the layer rules.
// The layers and what each may import are described in the README's "Architecture" section; keep both in step.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

/** The gateway's domain folders inside src/: they serve the edge and never import it. */
const DOMAIN = ['auth', 'store', 'ingest', 'labels', 'metadata', 'models', 'runtime', 'backbone', 'vision', 'classification', 'embeddings', 'training'].map(
  (dir) => `./src/${dir}`,
);
/** The edge inside src/: the GraphQL types, the schema and its plugins, the HTTP pages, the composition root. */
const EDGE = [
  './src/schema',
  './src/graphql',
  './src/explorer',
  './src/playground',
  './src/context.ts',
  './src/services.ts',
  './src/createStore.ts',
  './src/server.ts',
  './src/main.ts',
];
/** The foundation every layer may use: configuration, errors, paths, logging, metrics, uploads, the worker channel, HTTP helpers, retries. */
const FOUNDATION = [
  './src/config',
  './src/errors.ts',
  './src/paths.ts',
  './src/logger.ts',
  './src/metrics.ts',
  './src/uploads.ts',
  './src/typedArrays.ts',
  './src/retry.ts',
  './src/pollLoop.ts',
  './src/workers',
  './src/http',
];
const OUTSIDE_SRC = ['./resolvers', './test', './bench', './scripts', './examples', './web'];

/** Layer rules (import-x/no-restricted-paths): `target` may not import `from`. */
const LAYER_ZONES = [
  // Outer folders: resolvers/ may import src/; src/ imports none of them.
  {
    target: './src',
    from: OUTSIDE_SRC,
    message: 'src/ never imports resolvers/, test/, bench/, scripts/, examples/ or web/.',
  },
  { target: './resolvers', from: ['./test', './bench', './scripts', './examples', './web'], message: 'resolvers/ imports src/ only.' },
  {
    target: './web',
    from: ['./src', './resolvers', './test', './bench', './scripts', './examples'],
    message: 'web/ talks to the gateway through its generated client (web/src/generated), never through server code.',
  },
  {
    target: './examples',
    from: ['./src', './resolvers', './test', './bench', './web'],
    message: 'examples/ is a client: it uses its generated client (examples/client/generated), never server code.',
  },
  // Inside src/: foundation <- domain <- edge.
  { target: DOMAIN, from: EDGE, message: 'The domain (src/<folder>) serves the edge (schema, graphql, pages, composition root) and never imports it.' },
  { target: FOUNDATION, from: [...DOMAIN, ...EDGE], message: 'The foundation imports neither the domain nor the edge.' },
  {
    target: './src/store',
    from: ['./src/ingest', './src/metadata', './src/labels', './src/models', './src/vision', './src/classification', './src/embeddings', './src/training', './src/auth'],
    message: 'store/ only opens and queries a prepared database; loading it is ingest/ (which may import store/).',
  },
  {
    target: './src/ingest',
    from: ['./src/metadata', './src/labels', './src/models', './src/vision', './src/classification', './src/embeddings', './src/training', './src/auth'],
    message: 'ingest/ prepares the database: it may use store/ (its DDL and connections) and nothing above it.',
  },
  {
    target: './src/models',
    from: [
      './src/store',
      './src/ingest',
      './src/metadata',
      './src/labels',
      './src/backbone',
      './src/vision',
      './src/classification',
      './src/embeddings',
      './src/training',
      './src/auth',
    ],
    message: 'models/ loads and runs image models; the features built on them import models/, not the reverse.',
  },
  {
    // runtime/ (ONNX Runtime, TF.js, the converter) sits beside models/: it reads model folders.
    target: './src/runtime',
    from: [
      './src/store',
      './src/ingest',
      './src/metadata',
      './src/labels',
      './src/backbone',
      './src/vision',
      './src/classification',
      './src/embeddings',
      './src/training',
      './src/auth',
    ],
    message: 'runtime/ runs models; the features built on them import it, not the reverse.',
  },
  {
    // The pretrained backbone (its loading, feature pass and thread), used alike by classification, embeddings and training.
    target: './src/backbone',
    from: ['./src/store', './src/ingest', './src/metadata', './src/labels', './src/vision', './src/classification', './src/embeddings', './src/training', './src/auth'],
    message: 'backbone/ runs a pretrained backbone on models/ and runtime/; the features built on it import it, not the reverse.',
  },
  {
    target: ['./src/metadata', './src/labels'],
    from: ['./src/models', './src/runtime', './src/backbone', './src/vision', './src/classification', './src/embeddings', './src/training'],
    message: 'metadata/ and labels/ read the Open Images metadata; they know nothing of models.',
  },
  {
    target: ['./src/vision', './src/embeddings'],
    from: ['./src/classification', './src/training'],
    message: 'vision/ and embeddings/ are used by classification/ and training/, not the reverse.',
  },
  { target: './src/classification', from: ['./src/training', './src/embeddings'], message: 'classification/ does not depend on training/ or embeddings/.' },
];

export default defineConfig(
  globalIgnores(['dist/**', 'default-model/**', 'web/src/generated/**', 'examples/client/generated/**', 'coverage/**']),
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: TS,
    languageOptions: {
      parserOptions: {
        // Each file is checked with its nearest tsconfig.json: the server's (src, resolvers, test, bench, scripts, examples) or web/'s.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Type-aware rules that catch real bugs (mostly in async code). The rest of recommendedTypeChecked (no-unsafe-* on `any` from
      // JSON and untyped packages, style rules) is not adopted yet.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: [...TS, '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x reads the imported files itself (for no-cycle): it must know they are TypeScript.
      'import-x/extensions': ['.ts', '.tsx', '.cts', '.mts', '.js', '.jsx', '.cjs', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.cts', '.mts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.json', '.node'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: LAYER_ZONES }],
    },
  },
  {
    // Tests and benches read GraphQL answers as untyped JSON (`body.data.classes.edges.map((e: any) => ...)`): typing each
    // would restate the schema, and the typed client is examples/' and web/'s job. Server code has no `any`, and keeps none.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The server writes through pino, the explorer writes nothing; CLIs, benches and test skip notes print to the console.
  { files: ['src/**', 'resolvers/**', 'web/src/**'], rules: { 'no-console': 'error' } },
  {
    // Plain JavaScript (configs, CommonJS helpers) runs under Node without a tsconfig project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  { files: ['**/*.cjs', 'jest.config.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
