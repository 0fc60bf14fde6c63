import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { initBackend } from '../../src/models/tfBackend';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { temporaryDir, writeColourFolders } from './support/images';

const run = promisify(execFile);
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'dist', 'scripts', 'train.js');

describe('npm run train (dist/scripts/train.js, built by the test setup)', () => {
  it('trains from class folders and prints the TEST evaluation, the times and where the model is', async () => {
    const root = temporaryDir('train-cli-');
    await writeColourFolders(path.join(root, 'data'), 6);
    const tiny = await writeTinyBackbone((await initBackend()).tf, path.join(root, 'tiny'));
    const out = path.join(root, 'model');
    const { stdout } = await run(
      process.execPath,
      [
        script,
        '--data',
        path.join(root, 'data'),
        '--out',
        out,
        '--backbone',
        tiny,
        '--epochs',
        '4',
        '--fine-tune-from',
        'conv_33',
        '--fine-tune-epochs',
        '1',
        '--batch-size',
        '8',
        '--seed',
        '2',
        '--test',
        '0.34',
        '--cache-dir',
        path.join(root, 'cache'),
      ],
      { cwd: repo },
    );
    expect(stdout).toMatch(/backbone tiny@[0-9a-f]{12}:global_average_pooling on (wasm|tensorflow); 3 labels \(single-label, softmax\)/);
    expect(stdout).toContain('fine-tuned the backbone after layer conv_33');
    expect(stdout).toMatch(/images: 9 train, 3 validation, 6 test; embeddings 36 computed, 0 from cache/);
    expect(stdout).toContain("served model refit on all 18 labelled images; the figures below are the evaluated model's, on TEST");
    expect(stdout).toMatch(/TEST: accuracy \d\.\d{4}, auPrc \d\.\d{4}, logLoss \d+\.\d{4}/);
    expect(stdout).toMatch(/ {2}red +precision \d\.\d{3} recall \d\.\d{3} f1 \d\.\d{3} support 2/);
    expect(stdout).toMatch(/time: embedding \d+\.\d s, training \d+\.\d s, total \d+\.\d s; CPU \d+\.\d s/);
    expect(stdout).toContain(`model written to ${out}`);
    expect(fs.readdirSync(out).sort()).toEqual([
      '.gateway-model.json',
      'evaluation-photos.json',
      'evaluation-thumbnails.bin',
      'evaluation.json',
      'metadata.json',
      'model.json',
      'weights.bin',
    ]);
  });

  it('explains its usage on --help, and in one line (exit 2, no stack) for a missing input or an unknown option', async () => {
    const { stdout } = await run(process.execPath, [script, '--help'], { cwd: repo });
    expect(stdout).toMatch(/^Usage: npm run train/);
    for (const args of [
      ['--out', 'x'],
      ['--data', '/no/such/dir', '--out', 'x'],
      ['--data', '.', '--out', 'x', '--bogus'],
    ]) {
      const failure = await run(process.execPath, [script, ...args], { cwd: repo }).catch((error) => error);
      expect(failure.code).toBe(2);
      const [first] = failure.stderr.split('\n');
      expect(first).toMatch(/^error: (--out is required|give exactly one|--data \/no\/such\/dir: no such directory|unknown option --bogus)/);
      expect(failure.stderr).toContain('Usage: npm run train');
      expect(failure.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
