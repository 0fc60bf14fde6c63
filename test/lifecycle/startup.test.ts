import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

/**
 * The newcomer's path, run as a user runs it: each configuration mistake stops the process with one
 * line naming the variable, the value and what is expected; `npm start` serves, and the SIGTERM a
 * process manager sends to `npm start` stops the server (no orphaned node keeping the port).
 */
const ROOT = projectRoot();
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', METADATA_SERVER_DETECTION: 'none', LOG_FORMAT: 'json' };

describe('a configuration mistake', () => {
  it.each([
    ['LOG_LEVEL', 'verbose', /^configuration error: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"$/],
    ['PORT', '70000', /^configuration error: PORT must be an integer from 0 to 65535, got "70000"$/],
    ['HOST', 'bogus.invalid', /^configuration error: HOST must be an address or host name of this machine .* got "bogus.invalid": ENOTFOUND$/],
    ['DATA_DIR', '/nonexistent', /^configuration error: DATA_DIR must name an existing directory .* got "\/nonexistent": not found$/],
    ['EMBEDDINGS', '/nonexistent.parquet', /^configuration error: EMBEDDINGS must name an existing file .* got "\/nonexistent.parquet": not found$/],
    ['GOOGLE_APPLICATION_CREDENTIALS', '/missing.json', /^configuration error: GOOGLE_APPLICATION_CREDENTIALS must name an existing file .* got "\/missing.json": not found$/],
  ])('%s=%s stops the start with one line and no stack', (name, value, message) => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...BASE_ENV, PORT: '0', [name]: value },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ level: 60, msg: expect.stringMatching(message) });
    expect(line.err).toBeUndefined();
  });
});

describe('npm start', () => {
  it('serves, and SIGTERM to the npm process stops the server', async () => {
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...BASE_ENV, PORT: '0', HOST: '127.0.0.1', INFERENCE_WORKERS: '1', MODELS_DIR: path.join(os.tmpdir(), 'startup-test-no-models') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    npm.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const ready = /"url":"([^"]+)"[^\n]*"msg":"gateway ready/.exec(stdout);
        if (ready) resolve(ready[1]);
      };
      npm.stdout!.on('data', check);
      void exited.then(() => reject(new Error(`npm start exited before it was ready:\n${stdout}`)));
    });
    const origin = new URL(url).origin;
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);

    npm.kill('SIGTERM');
    await exited;
    expect(stdout).toMatch(/"msg":"stopped"/);
    // The port is free: nothing is left listening.
    await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  });
});
