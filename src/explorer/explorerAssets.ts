import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { projectRoot } from '../paths';

/** Where `npm run build:web` writes the explorer (web/vite.config.mts). */
export const explorerDistDir = () => path.join(projectRoot(), 'dist', 'web');

export interface ExplorerFile {
  contentType: string;
  body: Buffer;
  gzipped?: Buffer;
}

export interface ExplorerBuild {
  indexHtml: Buffer;
  /** By name under /assets/: hashed file names, so they can be cached for a year. */
  assets: Map<string, ExplorerFile>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const gzip = promisify(zlib.gzip);

/**
 * Reads the built explorer once, at start, gzipping text files: an allowlist of what the build wrote,
 * never a path from a request. Undefined when the explorer has not been built.
 */
export async function loadExplorerBuild(dir = explorerDistDir()): Promise<ExplorerBuild | undefined> {
  const indexFile = path.join(dir, 'index.html');
  if (!fs.existsSync(indexFile)) return undefined;
  const assets = new Map<string, ExplorerFile>();
  const assetsDir = path.join(dir, 'assets');
  const names = fs.existsSync(assetsDir) ? fs.readdirSync(assetsDir) : [];
  for (const name of names) {
    const contentType = TYPES[path.extname(name)];
    if (!contentType) continue;
    const body = fs.readFileSync(path.join(assetsDir, name));
    const file: ExplorerFile = { contentType, body };
    if (!contentType.startsWith('image/png') && !contentType.startsWith('font/')) file.gzipped = await gzip(body, { level: 9 });
    assets.set(name, file);
  }
  return { indexHtml: fs.readFileSync(indexFile), assets };
}
