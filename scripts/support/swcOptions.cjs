'use strict';
/**
 * How @swc/core compiles the TypeScript sources wherever they run uncompiled (jest, `npm run dev`):
 * legacy decorators with their metadata, which type-graphql needs (esbuild-based runners do not emit it).
 */
module.exports = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
