import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { anonymousCaller, SCOPES } from '../../src/auth/caller';
import { TrainingJobs } from '../../src/training/TrainingJobs';
import { writeApiKeys } from '../support/identityProvider';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { writeColourFolders } from '../training/support/images';

const CLASSIFY = 'mutation($files: [Upload!]!) { classify(files: $files) { filename } }';
const LABELS = 'mutation($files: [Upload!]!) { labelDetection(files: $files) { filename } }';

describe('per-caller limits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'limits-'));
  let gw: RunningGateway;
  let keys: Record<string, string>;
  let png: Buffer;

  beforeAll(async () => {
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    await writeColourFolders(path.join(dir, 'data', 'colours'), 2);
    const apiKeys = writeApiKeys(dir, { alice: ['classify', 'train', 'read'], bob: ['classify', 'train', 'read'], ops: ['admin'] });
    keys = apiKeys.keys;
    gw = await startGateway({
      API_KEYS_FILE: apiKeys.file,
      RATE_LIMIT_CLASSIFY_PER_MINUTE: '3',
      RATE_LIMIT_LABEL_DETECTION_PER_MINUTE: '1',
      TRAINING_DATA_ROOT: path.join(dir, 'data'),
      MODELS_DIR: path.join(dir, 'models'),
      TRAINING_QUEUE_MAX: '3',
      TRAINING_QUEUE_MAX_PER_CALLER: '2',
    });
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const as = (name: string) => ({ 'x-api-key': keys[name] });

  it('answers 429 RATE_LIMITED with Retry-After once a caller has used its images, counting images, per caller', async () => {
    const two = [0, 1].map((i) => ({ filename: `${i}.png`, bytes: png, type: 'image/png' }));
    const first = await postMultipart(gw.url, CLASSIFY, two, { headers: as('alice') });
    expect(first.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED'); // (no model is served here: MODEL_UNAVAILABLE)
    const second = await postMultipart(gw.url, CLASSIFY, two, { headers: as('alice') });
    expect(second.status).toBe(429);
    expect(Number(second.retryAfter)).toBeGreaterThan(0);
    expect(Number(second.retryAfter)).toBeLessThanOrEqual(60);
    expect(second.body.errors[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
      message: expect.stringMatching(/at most 3 images classified per minute/),
    });
    // Another caller has its own allowance; anonymous callers share theirs per address.
    const bob = await postMultipart(gw.url, CLASSIFY, two, { headers: as('bob') });
    expect(bob.status).not.toBe(429);
    const anonymous = await postMultipart(gw.url, CLASSIFY, two);
    expect(anonymous.status).not.toBe(429);
    expect((await postMultipart(gw.url, CLASSIFY, two)).status).toBe(429);
  });

  it('limits labelDetection (billed) on its own allowance', async () => {
    const one = [{ filename: 'a.png', bytes: png, type: 'image/png' }];
    expect((await postMultipart(gw.url, LABELS, one, { headers: as('ops') })).body.errors[0].extensions.code).toBe('VISION_UNAVAILABLE');
    const refused = await postMultipart(gw.url, LABELS, one, { headers: as('ops') });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('caps the training queue per caller (RATE_LIMITED) and in all (OVERLOADED), at once, even for many aliases in one request', async () => {
    const aliases = (count: number, prefix: string) =>
      `mutation { ${Array.from({ length: count }, (_, i) => `j${i}: trainModel(input: { modelId: "${prefix}-${i}", data: "colours", epochs: 50 }) { id status }`).join(' ')} }`;
    const jobsOf = async (name: string) => (await gw.graphql('{ trainingJobs { id status } }', undefined, as(name))).body.data.trainingJobs as { id: string; status: string }[];
    // Mutations run one after another and trainModel is non-null: the first refusal ends the request
    // (data: null); the jobs accepted before it exist all the same.
    const alice = await gw.graphql(aliases(5, 'alice'), undefined, as('alice'));
    expect(alice.body.errors.map((error: any) => error.extensions.code)).toEqual(['RATE_LIMITED']);
    const aliceJobs = await jobsOf('alice');
    expect(aliceJobs).toHaveLength(2);

    const bob = await gw.graphql(aliases(2, 'bob'), undefined, as('bob'));
    expect(bob.body.errors.map((error: any) => error.extensions.code)).toEqual(['OVERLOADED']);
    expect(await jobsOf('bob')).toHaveLength(1);

    const full = await gw.graphql(aliases(1, 'bob-again'), undefined, as('bob'));
    expect(full.status).toBe(503);
    expect(full.body.errors[0].extensions.code).toBe('OVERLOADED');

    // Cancelling frees the places; only the owner or an admin can.
    const cancel = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { status } }';
    expect((await gw.graphql(cancel, { id: aliceJobs[0].id }, as('bob'))).body.errors[0].extensions.code).toBe('TRAINING_JOB_NOT_FOUND');
    for (const job of aliceJobs) expect((await gw.graphql(cancel, { id: job.id }, as('alice'))).body.data.cancelTrainingJob.status).toBe('CANCELLED');
    for (const job of await jobsOf('bob'))
      expect((await gw.graphql(cancel, { id: job.id }, as('ops'))).body).toMatchObject({ data: { cancelTrainingJob: { status: 'CANCELLED' } } });
    const all = (await gw.graphql('{ trainingJobs { status } }', undefined, as('ops'))).body.data.trainingJobs;
    expect(all.map((job: any) => job.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });
});

describe('training job deadline', () => {
  it('stops a job that runs past TRAINING_JOB_TIMEOUT_S: FAILED, saying why', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deadline-'));
    try {
      await writeColourFolders(path.join(dir, 'data', 'colours'), 2);
      const jobs = new TrainingJobs({ dataRoot: path.join(dir, 'data'), modelsDir: path.join(dir, 'models'), maxImagePixels: 1e7, jobTimeoutMs: 200 });
      const caller = anonymousCaller('127.0.0.1', SCOPES);
      const job = await jobs.start({ modelId: 'slow', data: 'colours' }, caller);
      const ended = await new Promise<{ status: string; error?: string }>((resolve) => {
        const poll = setInterval(() => {
          const now = jobs.get(job.id, caller)!;
          if (now.status !== 'QUEUED' && now.status !== 'RUNNING') {
            clearInterval(poll);
            resolve(now);
          }
        }, 50);
      });
      expect(ended).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/TRAINING_JOB_TIMEOUT_S/) });
      expect(fs.existsSync(path.join(dir, 'models', 'slow'))).toBe(false);
      await jobs.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
