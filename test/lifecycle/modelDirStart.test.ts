import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from './serverProcess';

/** A MODEL_DIR that cannot serve stops `node dist/src/main.js` at start: one line naming MODEL_DIR and the problem, no stack. */

const ENTRY = path.resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');

function runGateway(modelDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ENTRY], {
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), METADATA_SERVER_DETECTION: 'none', PORT: '0', HOST: '127.0.0.1', MODEL_DIR: modelDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

let root: string;
beforeAll(async () => {
  ensureBuilt();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'model-dir-start-'));
});
afterAll(() => fs.rm(root, { recursive: true, force: true }));

test.each([
  ['a missing folder', 'absent', /MODEL_DIR \S+absent: no such folder/],
  ['a folder without model.json', 'empty', /MODEL_DIR \S+empty: the folder has neither model\.json nor model\.onnx/],
])('MODEL_DIR naming %s stops the start with one line', async (_what, name, message) => {
  if (name === 'empty') await fs.mkdir(path.join(root, name));
  const { code, stdout, stderr } = await runGateway(path.join(root, name));
  expect(code).not.toBe(0);
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]).msg).toMatch(message);
  expect(stdout).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  expect(stderr).toBe('');
});
