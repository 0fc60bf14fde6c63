'use strict';
/**
 * `node --require ./scripts/support/registerTypeScript.cjs src/main.ts`: runs the TypeScript sources
 * without a build (npm run dev). Compiles each .ts file with @swc/core as jest does (decorator metadata
 * included, which type-graphql needs and esbuild-based runners do not emit); no type checking.
 */
const fs = require('node:fs');
const swc = require('@swc/core');

const options = require('./swcOptions.cjs');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
