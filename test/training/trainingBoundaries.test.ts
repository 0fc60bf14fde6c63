import fs from 'node:fs';
import path from 'node:path';
import { GATEWAY_MARKER_FILE, readGatewayMarker, writeGatewayMarker } from '../../src/models/gatewayMarker';
import { initBackend } from '../../src/models/tfBackend';
import { readAutoMlCsv } from '../../src/training/dataset/readAutoMlCsv';
import { readFolderDataset } from '../../src/training/dataset/readFolderDataset';
import { SourceRefusedError } from '../../src/training/dataset/types';
import { SourceReader } from '../../src/training/sources/SourceReader';
import type { TrainingJob } from '../../src/training/trainingJob';
import { TrainingJobs } from '../../src/training/TrainingJobs';
import { ForeignModelFolderError, writeModelFolder, type TrainedModelMetadata } from '../../src/training/writeModelFolder';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { colourImage, temporaryDir, writeColourFolders } from './support/images';
import { anonymousCaller, SCOPES } from '../../src/auth/caller';

const tester = anonymousCaller('127.0.0.1', SCOPES);

/** Training reads only inside TRAINING_DATA_ROOT (symbolic links resolved) and never removes a folder the gateway did not write. */
describe('training stays inside its root and its own model folders', () => {
  const base = temporaryDir('boundaries-');
  const root = path.join(base, 'data');
  const outside = path.join(base, 'outside');
  const modelsDir = path.join(base, 'models');

  beforeAll(async () => {
    await writeColourFolders(path.join(root, 'colours'), 3);
    await writeColourFolders(outside, 3);
    fs.writeFileSync(path.join(outside, 'secret.jpg'), await colourImage('red', 9));
    // A class folder linked to a folder outside the root, beside real ones.
    fs.mkdirSync(path.join(root, 'escaping'));
    fs.symlinkSync(path.join(outside, 'red'), path.join(root, 'escaping', 'red'));
    fs.symlinkSync(path.join(root, 'colours', 'green'), path.join(root, 'escaping', 'green'));
    // A class folder linked within the root is fine.
    fs.mkdirSync(path.join(root, 'linked'));
    for (const colour of ['red', 'green']) fs.symlinkSync(path.join(root, 'colours', colour), path.join(root, 'linked', colour));
    fs.symlinkSync(path.join(outside, 'secret.jpg'), path.join(root, 'secret.jpg'));
    fs.mkdirSync(modelsDir);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  it('a class folder linked outside the root is refused; links within it are followed', async () => {
    const refusal = await readFolderDataset(path.join(root, 'escaping'), root).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SourceRefusedError);
    expect(refusal).toMatchObject({ safeMessage: '3 image file(s) in the training folder resolve outside TRAINING_DATA_ROOT (symbolic links)' });
    expect((refusal as Error).message).toContain('red/0.jpg');
    expect((await readFolderDataset(path.join(root, 'linked'), root)).labels).toEqual(['green', 'red']);
  });

  it('a CSV path that is a link to a file outside the root is refused, and so is reading it', async () => {
    fs.writeFileSync(path.join(root, 'rows.csv'), 'TRAIN,colours/red/0.jpg,red\nTRAIN,secret.jpg,green\n');
    await expect(readAutoMlCsv(path.join(root, 'rows.csv'), { localRoot: root })).rejects.toThrow(SourceRefusedError);
    // Checked again when read, for a link made after the CSV was checked.
    await expect(new SourceReader({ localRoot: root }).read(path.join(root, 'secret.jpg'))).rejects.toThrow(/outside the training data root/);
    await expect(new SourceReader({ localRoot: root }).read(path.join(root, 'colours', 'red', '0.jpg'))).resolves.toBeInstanceOf(Buffer);
  });

  it('a training job on such a folder fails with TRAINING_SOURCE_REFUSED and a message naming no path (production)', async () => {
    const jobs = new TrainingJobs({ dataRoot: root, modelsDir, maxImagePixels: 1e7, production: true });
    try {
      const started = await jobs.start({ modelId: 'escaping', data: 'escaping', epochs: 1 }, tester);
      let job: TrainingJob | undefined;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline && job?.status !== 'FAILED'; await new Promise((resolve) => setTimeout(resolve, 100))) {
        job = jobs.get(started.id, tester);
      }
      expect(job).toMatchObject({ status: 'FAILED', errorCode: 'TRAINING_SOURCE_REFUSED' });
      expect(job!.error).toBe(
        `A training source was refused: 3 image file(s) in the training folder resolve outside TRAINING_DATA_ROOT (symbolic links) (see the gateway log, job ${started.id})`,
      );
      expect(fs.existsSync(path.join(modelsDir, 'escaping'))).toBe(false);
    } finally {
      await jobs.close();
    }
  });

  it('a backbone folder holding a link to outside the root is refused at the request', async () => {
    const { tf } = await initBackend();
    const backbone = await writeTinyBackbone(tf, path.join(root, 'backbone'));
    const shard = fs.readdirSync(backbone).find((name) => name.endsWith('.bin'))!;
    fs.copyFileSync(path.join(backbone, shard), path.join(outside, shard));
    fs.rmSync(path.join(backbone, shard));
    fs.symlinkSync(path.join(outside, shard), path.join(backbone, shard));
    const jobs = new TrainingJobs({ dataRoot: root, modelsDir, maxImagePixels: 1e7 });
    await expect(jobs.start({ modelId: 'm', data: 'colours', backbone: 'backbone' }, tester)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'backbone' },
      message: expect.stringMatching(/resolves outside TRAINING_DATA_ROOT/),
    });
    await jobs.close();
  });

  it('a folder in MODELS_DIR without the gateway marker is never replaced, with or without model.json', async () => {
    fs.mkdirSync(path.join(modelsDir, 'backups'));
    fs.writeFileSync(path.join(modelsDir, 'backups', 'db-2026-12-01.sql'), 'precious');
    fs.mkdirSync(path.join(modelsDir, 'downloaded'));
    fs.writeFileSync(path.join(modelsDir, 'downloaded', 'model.json'), '{}');
    fs.writeFileSync(path.join(modelsDir, 'downloaded', 'metadata.json'), JSON.stringify({ labels: ['x'], training: {} }));
    const jobs = new TrainingJobs({ dataRoot: root, modelsDir, maxImagePixels: 1e7 });
    for (const modelId of ['backups', 'downloaded']) {
      await expect(jobs.start({ modelId, data: 'colours' }, tester)).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', argument: 'modelId' },
        message: `"${modelId}" already exists in MODELS_DIR and was not written by the gateway; choose another modelId.`,
      });
    }
    await jobs.close();
    expect(fs.readFileSync(path.join(modelsDir, 'backups', 'db-2026-12-01.sql'), 'utf8')).toBe('precious');
    expect(fs.readdirSync(path.join(modelsDir, 'downloaded')).sort()).toEqual(['metadata.json', 'model.json']);
  });

  it('writeModelFolder writes the marker, replaces a folder that has one, and refuses one that does not', async () => {
    const { tf } = await initBackend();
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 2, activation: 'softmax' })] });
    const metadata: TrainedModelMetadata = {
      labels: ['a', 'b'],
      inputSize: 2,
      inputRange: [0, 1],
      outputs: 'probabilities',
      multiLabel: false,
      backbone: 'x',
      evaluation: {},
      training: {},
    };
    const dir = path.join(modelsDir, 'mine');
    await writeModelFolder(tf, model, dir, metadata, { owner: 'caller-1', jobId: 'job-1' });
    expect(fs.readdirSync(dir)).toContain(GATEWAY_MARKER_FILE);
    expect(await readGatewayMarker(dir)).toEqual({ writtenBy: 'openimages-gateway', owner: 'caller-1', jobId: 'job-1', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    await writeModelFolder(tf, model, dir, metadata, { jobId: 'job-2' });
    expect(await readGatewayMarker(dir)).toMatchObject({ owner: null, jobId: 'job-2' });

    // A folder that appeared while the job trained (no marker) is left alone, and so is the staging folder's trace.
    const foreign = path.join(modelsDir, 'appeared');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'keep');
    await expect(writeModelFolder(tf, model, foreign, metadata)).rejects.toThrow(ForeignModelFolderError);
    expect(fs.readdirSync(foreign)).toEqual(['notes.txt']);
    expect(fs.readdirSync(modelsDir).filter((name) => name.includes('partial'))).toEqual([]);
    model.dispose();

    // A marker the gateway did not write (other JSON) does not count.
    fs.writeFileSync(path.join(foreign, GATEWAY_MARKER_FILE), '{"writtenBy":"someone else"}');
    expect(await readGatewayMarker(foreign)).toBeUndefined();
    await writeGatewayMarker(foreign, { owner: 'o' });
    expect(await readGatewayMarker(foreign)).toMatchObject({ owner: 'o', jobId: null });
  });
});
