'use strict';
/**
 * Runs a compiled entry point from dist/, building it first only when the TypeScript sources changed.
 *
 *   node scripts/support/runBuilt.cjs <entry in dist, e.g. src/main.js> [args...]
 *   node scripts/support/runBuilt.cjs --build          build now (npm run build)
 *   node scripts/support/runBuilt.cjs --prepare        build if stale; skip quietly without sources or TypeScript (npm install)
 *   node scripts/support/runBuilt.cjs --build-web      build the web explorer now (npm run build:web)
 *
 * Two builds, each with its own stamp: the gateway (tsc into dist/) and the web explorer (web/, type-checked,
 * then bundled by Vite into dist/web). Every mode builds whichever of them is stale.
 *
 * Plain JavaScript, so it runs before anything is compiled. "Changed" is a hash of the sources' contents
 * (not their times, which checkouts and copies rewrite), kept in dist/.build-stamp after a clean build.
 * The entry point runs in this same process, as the main module, rather than in a child: `npm start` then has a single
 * node process, which receives the SIGTERM a process manager sends to it.
 */
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const SOURCE_DIRS = ['src', 'resolvers', 'scripts', 'bench', 'examples'];
const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
const WEB_DIR = path.join(ROOT, 'web');
// Outside dist/web: Vite empties that folder on every build.
const WEB_STAMP = path.join(DIST, '.web-build-stamp');

function sourceFiles(dir, found = [], matches = (name) => name.endsWith('.ts')) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(file, found, matches);
    else if (matches(entry.name)) found.push(file);
  }
  return found;
}

function sourceHash() {
  return hashOf([...SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir))), ...CONFIG_FILES.map((f) => path.join(ROOT, f))]);
}

function webSourceHash() {
  return hashOf(sourceFiles(WEB_DIR, [], () => true));
}

function hashOf(unsorted) {
  const hash = crypto.createHash('sha256');
  const files = [...unsorted].sort();
  for (const file of files) {
    hash.update(path.relative(ROOT, file)).update('\0');
    try {
      hash.update(fs.readFileSync(file));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

const readStamp = (file = STAMP) => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Compiles with tsc; returns its exit code. The stamp is written only after a clean build. */
function build(reason) {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const hash = sourceHash();
  const started = Date.now();
  process.stderr.write(`building dist/ (${reason}) ...`);
  // tsc only adds and overwrites: a source that became a folder (src/config.ts -> src/config/) would leave its old
  // .js behind, and `require('./config')` would still find the file first. Each build starts from empty folders.
  for (const dir of SOURCE_DIRS) fs.rmSync(path.join(ROOT, 'dist', dir), { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(` failed\n${result.stdout}`);
    try {
      fs.rmSync(STAMP, { force: true });
    } catch {
      /* nothing to remove */
    }
    return result.status ?? 1;
  }
  fs.writeFileSync(STAMP, `${hash}\n`);
  process.stderr.write(` done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

function staleReason() {
  const stamp = readStamp();
  if (!stamp) return 'no previous build';
  return stamp === sourceHash() ? undefined : 'sources changed';
}

const canBuildWeb = () => fs.existsSync(path.join(WEB_DIR, 'vite.config.mts')) && fs.existsSync(path.join(ROOT, 'node_modules', 'vite'));

function webStaleReason() {
  if (!canBuildWeb()) return undefined;
  const stamp = readStamp(WEB_STAMP);
  if (!stamp || !fs.existsSync(path.join(DIST, 'web', 'index.html'))) return 'no previous build';
  return stamp === webSourceHash() ? undefined : 'web sources changed';
}

/** Type-checks web/ (a type error fails the build) and bundles it with Vite into dist/web; returns the exit code. */
function buildWeb(reason, verbose = false) {
  const hash = webSourceHash();
  const started = Date.now();
  process.stderr.write(`building the web explorer into dist/web (${reason}) ...`);
  const steps = [
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'web/tsconfig.json'],
    [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.mts', '--logLevel', verbose ? 'info' : 'warn'],
  ];
  for (const args of steps) {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (verbose && result.status === 0) process.stderr.write(`\n${result.stdout}`);
    if (result.status !== 0) {
      process.stderr.write(` failed\n${result.stdout}${result.stderr}`);
      fs.rmSync(WEB_STAMP, { force: true });
      return result.status ?? 1;
    }
  }
  fs.mkdirSync(DIST, { recursive: true });
  fs.writeFileSync(WEB_STAMP, `${hash}\n`);
  process.stderr.write(` done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}

/** Builds what is stale; returns the first failing exit code, else 0. */
function buildStale() {
  const reason = staleReason();
  if (reason) {
    const code = build(reason);
    if (code !== 0) return code;
  }
  const webReason = webStaleReason();
  return webReason ? buildWeb(webReason) : 0;
}

/**
 * npm forwards SIGTERM to the script's process, which is this one because the script says `exec node …`.
 * Where that chain breaks (a shell that does not exec, npm itself killed with SIGKILL) this process is
 * re-parented; it then stops the way SIGTERM stops it, rather than keep the port and the DuckDB lock.
 */
function stopWhenOrphaned() {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      process.kill(process.pid, 'SIGTERM');
    }
  }, 1000);
  timer.unref();
}

function main(argv) {
  const [first, ...rest] = argv;
  if (first === '--build') return build('npm run build') || (canBuildWeb() ? buildWeb('npm run build') : 0);
  if (first === '--build-web') return buildWeb('npm run build:web', true);
  if (first === '--prepare') {
    // npm runs `prepare` after every install, including installs without the sources (a Docker layer that
    // copies only package.json) or without devDependencies (--omit=dev): nothing to build there.
    const canBuild = fs.existsSync(path.join(ROOT, 'tsconfig.build.json')) && fs.existsSync(path.join(ROOT, 'node_modules', 'typescript'));
    if (!canBuild) return 0;
    if (buildStale() !== 0) {
      // Not fatal: the install itself succeeded; the next `npm start` or `npm run build` shows the errors again.
      process.stderr.write('the build failed; `npm run build` repeats it\n');
    }
    return 0;
  }
  if (!first || first.startsWith('-')) {
    process.stderr.write('usage: node scripts/support/runBuilt.cjs <entry in dist, e.g. src/main.js> [args...] | --build | --prepare\n');
    return 2;
  }
  const code = buildStale();
  if (code !== 0) return code;
  if (process.env.npm_lifecycle_event) stopWhenOrphaned();
  const entry = path.join(DIST, first);
  process.argv = [process.argv[0], entry, ...rest];
  // As `node <entry>` would: the entry becomes require.main (scripts test `require.main === module`).
  require('node:module').runMain(entry);
  return undefined;
}

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
