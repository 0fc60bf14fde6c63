import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { PLAYGROUND_SCRIPT } from './clientScript';
import { PLAYGROUND_CSS } from './page';

/**
 * The files the playground page loads, all from this process: GraphiQL's own prebuilt bundle
 * and CSS, its explorer plugin, React's UMD builds, graphql-sse's browser client, and the small setup script. An allowlist, never a path from
 * the request.
 */
export interface PlaygroundAsset {
  contentType: string;
  body: Buffer;
  /** gzip of body, made on first use (the GraphiQL bundle is 3.5 MB, about 0.8 MB gzipped). */
  gzipped?: Promise<Buffer>;
}

const gzip = promisify(zlib.gzip);

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

const SOURCES: Record<string, { contentType: string; file: () => string }> = {
  'react.production.min.js': { contentType: JS, file: () => path.join(packageDir('react'), 'umd', 'react.production.min.js') },
  'react-dom.production.min.js': { contentType: JS, file: () => path.join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js') },
  'graphiql.min.js': { contentType: JS, file: () => path.join(packageDir('graphiql'), 'graphiql.min.js') },
  'graphiql.min.css': { contentType: CSS, file: () => path.join(packageDir('graphiql'), 'graphiql.min.css') },
  // The explorer plugin (a field picker in the sidebar): UMD on the globals React, GraphiQL.React, GraphiQL.GraphQL.
  'graphiql-plugin-explorer.umd.js': { contentType: JS, file: () => path.join(packageDir('@graphiql/plugin-explorer'), 'dist', 'index.umd.js') },
  'graphiql-plugin-explorer.css': { contentType: CSS, file: () => path.join(packageDir('@graphiql/plugin-explorer'), 'dist', 'style.css') },
  // graphql-sse's browser client (UMD, global `graphqlSse`): GraphiQL runs subscriptions through it.
  'graphql-sse.min.js': { contentType: JS, file: () => path.join(packageDir('graphql-sse'), 'umd', 'graphql-sse.min.js') },
};

/** Reads every asset once, so a missing package fails at start rather than in a browser. */
export function loadPlaygroundAssets(): Map<string, PlaygroundAsset> {
  const assets = new Map<string, PlaygroundAsset>();
  for (const [name, { contentType, file }] of Object.entries(SOURCES)) {
    // GraphiQL's files end with a sourceMappingURL to a map we do not serve; drop it so devtools do not ask.
    const body = fs.readFileSync(file(), 'utf8').replace(/\n(\/\/# sourceMappingURL=\S+|\/\*# sourceMappingURL=\S+\s*\*\/)\s*$/, '\n');
    assets.set(name, { contentType, body: Buffer.from(body) });
  }
  assets.set('playground.js', { contentType: JS, body: Buffer.from(PLAYGROUND_SCRIPT) });
  assets.set('playground.css', { contentType: CSS, body: Buffer.from(PLAYGROUND_CSS) });
  return assets;
}

export function gzipped(asset: PlaygroundAsset): Promise<Buffer> {
  asset.gzipped ??= gzip(asset.body, { level: 6 });
  return asset.gzipped;
}
