'use strict';
/**
 * Runs npm scripts at the same time and fails when any fails: `npm test`'s checks (lint, type checks) use
 * both cores instead of taking turns. Each script's output is held and printed whole when it ends, so
 * that the reports do not interleave.
 *
 *   node scripts/support/runParallel.cjs <npm script> [<npm script> ...]
 */
const { spawn } = require('node:child_process');

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(NPM, ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    const output = [];
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const text = Buffer.concat(output).toString();
      const failed = code !== 0;
      if (failed || text.trim()) process.stdout.write(`── npm run ${script} (${seconds} s)${failed ? `: FAILED (${signal ?? `exit code ${code}`})` : ''}\n${text}`);
      resolve(failed ? 1 : 0);
    });
  });
}

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write('usage: node scripts/support/runParallel.cjs <npm script> [<npm script> ...]\n');
  process.exitCode = 2;
} else {
  void Promise.all(scripts.map(run)).then((codes) => (process.exitCode = Math.max(...codes)));
}
