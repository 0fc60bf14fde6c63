import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeTinyModel } from '../models/support/tinyModel';
import { solidPng } from '../models/support/images';
import { hasSharedModels, MODELS_DIR, noticeSkipped, PHOTOS_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';

const run = promisify(execFile);
const clientEntry = path.resolve(__dirname, '..', '..', 'dist', 'examples', 'client', 'main.js');

let gw: RunningGateway;
let photo: string;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'example-client-'));
  let modelDir: string;
  if (hasSharedModels) {
    modelDir = path.join(MODELS_DIR, 'mobilenet_v1_0.25_224');
    photo = path.join(PHOTOS_DIR, 'chelsea.png');
  } else {
    noticeSkipped('example client classify on the real MobileNet (using a tiny model instead)');
    modelDir = await writeTinyModel(path.join(tmp, 'tiny'));
    photo = path.join(tmp, 'red.png');
    fs.writeFileSync(photo, await solidPng('#ff0000'));
  }
  gw = await startGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(tmp, 'none'), INFERENCE_WORKERS: '1' });
});
afterAll(async () => {
  await gw?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('example client (Apollo Client + apollo-upload-client, generated types)', () => {
  it('runs its typed queries and a classify upload against a live gateway', async () => {
    const { stdout } = await run(process.execPath, [clientEntry, gw.url, photo], { timeout: 60_000 });
    const summary = JSON.parse(stdout);
    expect(summary.classes[0]).toMatch(/^Cat \(\d+\)$/);
    expect(summary.searched).toBe('Cat');
    expect(summary.images.length).toBeGreaterThan(0);
    expect(summary.relationTypes).toContain('holds');
    expect(summary.classified).toHaveLength(1);
    expect(summary.classified[0].error).toBeNull();
    expect(summary.classified[0].labels.length).toBeGreaterThan(0);
    if (hasSharedModels) expect(summary.classified[0].labels.some((l: { class: string | null }) => l.class === 'Cat')).toBe(true);
  });
});
