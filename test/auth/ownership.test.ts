import fs from 'node:fs';
import path from 'node:path';
import { GATEWAY_MARKER_FILE } from '../../src/models/gatewayMarker';
import { initBackend } from '../../src/models/tfBackend';
import { writeApiKeys } from '../support/identityProvider';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { temporaryDir, writeColourFolders } from '../training/support/images';

const TRAIN = 'mutation($input: TrainModelInput!) { trainModel(input: $input) { id owner status } }';
const JOB = 'query($id: ID!) { trainingJob(id: $id) { id status owner error errorCode } }';
const JOBS = '{ trainingJobs { id owner } }';
const MODELS = '{ models { id version trained mayChange isDefault } }';
const DELETE = 'mutation($id: ID!) { deleteModel(id: $id) }';
const CANCEL = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { status } }';
const EVENTS = 'subscription($id: ID!) { trainingJobEvents(id: $id) { sequence } }';

/** Two callers and an admin on one production gateway: jobs and trained models belong to who made them. */
describe('ownership of training jobs and trained models', () => {
  const root = temporaryDir('ownership-');
  const dataRoot = path.join(root, 'data');
  const modelsDir = path.join(root, 'models');
  let gw: RunningGateway;
  let keys: Record<string, string>;
  const as = (name: string) => ({ 'x-api-key': keys[name] });
  const input = (modelId: string, extra: Record<string, unknown> = {}) => ({
    modelId,
    data: 'colours',
    backbone: 'tiny',
    epochs: 2,
    batchSize: 8,
    testFraction: 0.3,
    seed: 1,
    ...extra,
  });

  async function finished(id: string, who: string) {
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 150))) {
      const job = (await gw.graphql(JOB, { id }, as(who))).body.data.trainingJob;
      if (job.status !== 'QUEUED' && job.status !== 'RUNNING') return job;
    }
    throw new Error(`job ${id} did not finish`);
  }

  beforeAll(async () => {
    await writeColourFolders(path.join(dataRoot, 'colours'), 6);
    await writeTinyBackbone((await initBackend()).tf, path.join(dataRoot, 'tiny'));
    // Folders the gateway did not write: a downloaded model, and a folder of someone's backups.
    fs.mkdirSync(path.join(modelsDir, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(modelsDir, 'backups', 'precious.txt'), 'keep me');
    fs.cpSync(path.join(dataRoot, 'tiny'), path.join(modelsDir, 'downloaded'), { recursive: true });
    fs.writeFileSync(path.join(modelsDir, 'downloaded', 'labels.txt'), Array.from({ length: 64 }, (_, i) => `l${i}`).join('\n'));
    const apiKeys = writeApiKeys(root, { alice: ['read', 'train'], bob: ['read', 'train'], ops: ['admin'] });
    keys = apiKeys.keys;
    gw = await startGateway({ NODE_ENV: 'production', API_KEYS_FILE: apiKeys.file, TRAINING_DATA_ROOT: dataRoot, MODELS_DIR: modelsDir, INFERENCE_WORKERS: '1' });
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps a job and its model to its owner: others see null, no list entry, no events; they cannot cancel, replace or delete', async () => {
    const started = await gw.graphql(TRAIN, { input: input('alices') }, as('alice'));
    expect(started.body.errors).toBeUndefined();
    const { id, owner } = started.body.data.trainModel;
    expect(owner).toBe('key:alice');

    expect((await gw.graphql(JOB, { id }, as('bob'))).body).toEqual({ data: { trainingJob: null } });
    expect((await gw.graphql(JOBS, undefined, as('bob'))).body.data.trainingJobs).toEqual([]);
    expect((await gw.graphql(CANCEL, { id }, as('bob'))).body.errors[0].extensions.code).toBe('TRAINING_JOB_NOT_FOUND');
    const stream = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...as('bob') },
      body: JSON.stringify({ query: EVENTS, variables: { id } }),
    });
    expect(await stream.text()).toContain('TRAINING_JOB_NOT_FOUND');
    // Anonymous production callers have no `train` scope, and see no jobs.
    expect((await gw.graphql(JOBS)).body.data.trainingJobs).toEqual([]);
    // The admin sees every job.
    expect((await gw.graphql(JOBS, undefined, as('ops'))).body.data.trainingJobs.map((job: any) => job.id)).toContain(id);

    const job = await finished(id, 'alice');
    expect(job).toMatchObject({ status: 'SUCCEEDED', owner: 'key:alice' });
    expect(JSON.parse(fs.readFileSync(path.join(modelsDir, 'alices', '1', GATEWAY_MARKER_FILE), 'utf8'))).toMatchObject({ owner: 'key:alice', jobId: id });

    const models = async (who: string) => (await gw.graphql(MODELS, undefined, as(who))).body.data.models.find((model: any) => model.id === 'alices');
    expect(await models('alice')).toMatchObject({ version: 1, trained: true, mayChange: true });
    expect(await models('bob')).toMatchObject({ trained: true, mayChange: false });
    // The evaluation's TEST photos are training data: an anonymous caller (read, classify) gets the metrics, not them.
    const anonymous = (await gw.graphql('{ models { id evaluation { accuracy photos { path } } } }')).body;
    const index = anonymous.data.models.findIndex((model: any) => model.id === 'alices');
    expect(anonymous.errors).toEqual([expect.objectContaining({ path: ['models', index, 'evaluation', 'photos'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect((await gw.graphql('{ models { id evaluation { accuracy } } }')).body.data.models[index].evaluation.accuracy).toEqual(expect.any(Number));
    // With `train`, still only the owner and admins: bob sees the metrics of alice's model, not her photos.
    const PHOTOS = '{ models { id evaluation { accuracy photos(first: 500) { path } } } }';
    const ofBob = (await gw.graphql(PHOTOS, undefined, as('bob'))).body;
    expect(ofBob.errors).toEqual([expect.objectContaining({ path: ['models', index, 'evaluation', 'photos'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    for (const who of ['alice', 'ops']) {
      const { body } = await gw.graphql(PHOTOS, undefined, as(who));
      expect({ who, errors: body.errors }).toEqual({ who, errors: undefined });
      expect(body.data.models[index].evaluation.photos.length).toBeGreaterThan(0);
    }

    const replaceByBob = await gw.graphql(TRAIN, { input: input('alices', { replace: true }) }, as('bob'));
    expect(replaceByBob.body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/belongs to another caller/) });
    expect((await gw.graphql(DELETE, { id: 'alices' }, as('bob'))).body.errors[0].extensions.code).toBe('FORBIDDEN');
    const again = await gw.graphql(TRAIN, { input: input('alices') }, as('alice'));
    expect(again.body.errors[0]).toMatchObject({ extensions: { code: 'MODEL_EXISTS', argument: 'modelId' } });
  });

  it('lets the owner replace (replace: true) and delete its model; the folder goes and the model is no longer served', async () => {
    const replaced = await gw.graphql(TRAIN, { input: input('alices', { replace: true, seed: 2 }) }, as('alice'));
    expect(replaced.body.errors).toBeUndefined();
    expect(await finished(replaced.body.data.trainModel.id, 'alice')).toMatchObject({ status: 'SUCCEEDED' });
    // A new version beside the old one (TF Serving's layout), served at once on this replica.
    expect(fs.readdirSync(path.join(modelsDir, 'alices')).sort()).toEqual(['1', '2']);
    expect((await gw.graphql(MODELS, undefined, as('alice'))).body.data.models.find((model: any) => model.id === 'alices')).toMatchObject({ version: 2 });

    expect((await gw.graphql(DELETE, { id: 'alices' }, as('alice'))).body).toEqual({ data: { deleteModel: true } });
    expect(fs.existsSync(path.join(modelsDir, 'alices'))).toBe(false);
    const served = (await gw.graphql(MODELS, undefined, as('alice'))).body.data.models.map((model: any) => model.id);
    expect(served).not.toContain('alices');
    expect((await gw.graphql(DELETE, { id: 'alices' }, as('alice'))).body.errors[0].extensions.code).toBe('MODEL_NOT_FOUND');
  });

  it('never replaces or deletes what the gateway did not write, even for an admin: a downloaded model, a backups folder', async () => {
    for (const modelId of ['downloaded', 'backups']) {
      for (const who of ['alice', 'ops']) {
        const { body } = await gw.graphql(TRAIN, { input: input(modelId, { replace: true }) }, as(who));
        expect(body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/not trained through this gateway/) });
        expect((await gw.graphql(DELETE, { id: modelId }, as(who))).body.errors[0].extensions.code).toBe('FORBIDDEN');
      }
    }
    expect(fs.readFileSync(path.join(modelsDir, 'backups', 'precious.txt'), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(modelsDir, 'downloaded', 'model.json'))).toBe(true);
  });

  it("lets an admin cancel and delete any caller's work", async () => {
    const started = await gw.graphql(TRAIN, { input: input('bobs', { epochs: 200 }) }, as('bob'));
    const { id } = started.body.data.trainModel;
    expect((await gw.graphql(CANCEL, { id }, as('ops'))).body.data.cancelTrainingJob.status).toBe('CANCELLED');
    expect(await finished(id, 'bob')).toMatchObject({ status: 'CANCELLED', errorCode: 'TRAINING_CANCELLED', error: expect.stringMatching(/cancelled by an administrator/) });
    expect(fs.existsSync(path.join(modelsDir, 'bobs'))).toBe(false);
  });
});

describe('the configured default model', () => {
  it('is never replaced, not even by an admin or in development', async () => {
    const root = temporaryDir('default-model-');
    await writeColourFolders(path.join(root, 'data', 'colours'), 2);
    const gw = await startGateway({ DEFAULT_MODEL: 'shipped', TRAINING_DATA_ROOT: path.join(root, 'data'), MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' });
    try {
      const { body } = await gw.graphql(TRAIN, { input: { modelId: 'mobilenet_v2_1.0_224', data: 'colours', replace: true } });
      expect(body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect((await gw.graphql(DELETE, { id: 'mobilenet_v2_1.0_224' })).body.errors[0].extensions.code).toBe('FORBIDDEN');
      expect((await gw.graphql(MODELS)).body.data.models).toEqual([{ id: 'mobilenet_v2_1.0_224', version: null, trained: false, mayChange: false, isDefault: true }]);
    } finally {
      await gw.close();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
