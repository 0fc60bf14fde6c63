import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporaryDir, writeColourFolders } from './support/images';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'dist', 'scripts', 'train.js');

describe('npm run train (dist/scripts/train.js, built by the test setup)', () => {
  it('trains from class folders and prints the TEST evaluation, the times and where the model is', async () => {
    const root = temporaryDir('train-cli-');
    await writeColourFolders(path.join(root, 'data'), 6);
    const out = path.join(root, 'model');
    const { stdout } = await run(
      process.execPath,
      [script, '--data', path.join(root, 'data'), '--out', out, '--epochs', '4', '--batch-size', '8', '--seed', '2', '--test', '0.34', '--cache-dir', path.join(root, 'cache')],
      { cwd: repo },
    );
    expect(stdout).toMatch(/backbone nsfwjs@4\.4\.0\/mobilenet_v2:flatten_1 on (wasm|tensorflow); 3 labels \(single-label, softmax\)/);
    expect(stdout).toMatch(/images: 9 train, 3 validation, 6 test; embeddings 18 computed, 0 from cache/);
    expect(stdout).toMatch(/TEST: accuracy \d\.\d{4}, auPrc \d\.\d{4}, logLoss \d+\.\d{4}/);
    expect(stdout).toMatch(/ {2}red +precision \d\.\d{3} recall \d\.\d{3} f1 \d\.\d{3} support 2/);
    expect(stdout).toMatch(/time: embedding \d+\.\d s, head \d+\.\d s, total \d+\.\d s/);
    expect(stdout).toContain(`model written to ${out}`);
    expect(fs.readdirSync(out).sort()).toEqual(['evaluation.json', 'metadata.json', 'model.json', 'weights.bin']);
  });

  it('explains its usage when the data or the output is missing', async () => {
    await expect(run(process.execPath, [script, '--out', 'x'], { cwd: repo })).rejects.toMatchObject({ code: 2, stdout: expect.stringMatching(/Usage: npm run train/) });
  });
});
