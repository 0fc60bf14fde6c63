import fs from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../../src/models/tfBackend';
import { ensureBuilt } from '../../lifecycle/serverProcess';
import { subscribeToEnd } from '../../support/subscriptions';
import { writeTinyBackbone } from '../../support/tinyBackbone';
import { colourImage, temporaryDir, writeColourFolders } from '../../training/support/images';
import { DELETE, JOB, MODELS, TRAIN, eventually, startReplica, startWorker, type Replica } from './replicaCluster';

const JOBS = '{ trainingJobs { id status } }';
const CANCEL = 'mutation($id: ID!) { cancelTrainingJob(id: $id) { id status errorCode } }';
const EVENTS = 'subscription($id: ID!) { trainingJobEvents(id: $id) { sequence kind job { status progress } } }';

/** Issue 19: gateway processes behind one address share one model repository folder. */
describe('replicas sharing a repository folder', () => {
  const root = temporaryDir('replicas-');
  const repository = path.join(root, 'repository');
  const dataRoot = path.join(root, 'data');
  const replicas: Replica[] = [];
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
  const served = (replica: Replica, id: string) => async () => ((await replica.graphql(MODELS)).data.models as any[]).find((model) => model.id === id);

  async function finished(replica: Replica, id: string) {
    return eventually(`job ${id} finished`, async () => {
      const job = (await replica.graphql(JOB, { id })).data.trainingJob;
      return job && job.status !== 'QUEUED' && job.status !== 'RUNNING' ? job : undefined;
    });
  }

  beforeAll(async () => {
    ensureBuilt();
    await writeColourFolders(path.join(dataRoot, 'colours'), 6);
    await writeTinyBackbone((await initBackend()).tf, path.join(dataRoot, 'tiny'));
    const env = { MODEL_REPOSITORY: repository, TRAINING_DATA_ROOT: dataRoot };
    replicas.push(...(await Promise.all(['a', 'b', 'c'].map((name) => startReplica(name, root, env)))));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.process.stop()));
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves a model trained through A on B and C with the same scores, the newest version after a replace, and drops it everywhere once deleted', async () => {
    const [a, b, c] = replicas;
    const started = await a.graphql(TRAIN, { input: input('shared') });
    expect(started.errors).toBeUndefined();
    const jobId = started.data.trainModel.id;
    // B and C answer for A's job from its record, as A does.
    expect((await b.graphql(JOB, { id: jobId })).data.trainingJob).toMatchObject({ id: jobId, status: expect.stringMatching(/QUEUED|RUNNING|SUCCEEDED/) });
    const onA = await finished(a, jobId);
    expect(onA).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
    expect(await finished(b, jobId)).toEqual(onA);
    expect(await finished(c, jobId)).toEqual(onA);
    expect((await c.graphql(JOBS)).data.trainingJobs).toContainEqual({ id: jobId, status: 'SUCCEEDED' });
    const streamed = await subscribeToEnd(c.process.url, EVENTS, { id: jobId });
    expect(streamed.at(-1)?.data?.trainingJobEvents).toMatchObject({ kind: 'STATUS', job: { status: 'SUCCEEDED', progress: 1 } });
    expect(fs.readdirSync(path.join(repository, 'shared'))).toEqual(['1']);

    for (const replica of [b, c]) expect(await eventually(`shared on ${replica.name}`, served(replica, 'shared'))).toMatchObject({ version: 1, status: 'READY' });
    const image = await colourImage('red', 7);
    const scores = await Promise.all(replicas.map((replica) => replica.classify(image, 'shared')));
    expect(scores[0].labels).toHaveLength(3);
    expect(scores[1]).toEqual(scores[0]);
    expect(scores[2]).toEqual(scores[0]);
    expect(await b.classify(image, 'shared@1')).toEqual(scores[0]);

    // Replaced through B: version 2 everywhere; version 1 is no longer served (TF Serving's latest policy).
    const replaced = await b.graphql(TRAIN, { input: input('shared', { replace: true, seed: 2 }) });
    expect(await finished(b, replaced.data.trainModel.id)).toMatchObject({ status: 'SUCCEEDED' });
    for (const replica of replicas) await eventually(`version 2 on ${replica.name}`, async () => ((await served(replica, 'shared')())?.version === 2 ? true : undefined));
    expect(await c.classify(image, 'shared@1')).toEqual({ code: 'MODEL_NOT_FOUND' });
    const second = await Promise.all(replicas.map((replica) => replica.classify(image, 'shared@2')));
    expect(second[1]).toEqual(second[0]);
    expect(second[2]).toEqual(second[0]);

    expect((await c.graphql(DELETE, { id: 'shared' })).data).toEqual({ deleteModel: true });
    expect(fs.existsSync(path.join(repository, 'shared'))).toBe(false);
    for (const replica of [a, b]) await eventually(`shared gone from ${replica.name}`, async () => ((await served(replica, 'shared')()) ? undefined : true));
    expect(await a.classify(image, 'shared')).toEqual({ code: 'MODEL_UNAVAILABLE' }); // no model at all is served now
  }, 60_000);

  it('fails a job whose replica was killed mid-run (TRAINING_INTERRUPTED) on the others, as every other replica says', async () => {
    const victim = await startReplica('victim', root, { MODEL_REPOSITORY: repository, TRAINING_DATA_ROOT: dataRoot });
    const started = await victim.graphql(TRAIN, { input: input('doomed', { epochs: 1000 }) });
    const id = started.data.trainModel.id;
    await eventually('job running', async () => ((await replicas[1].graphql(JOB, { id })).data.trainingJob?.status === 'RUNNING' ? true : undefined));
    victim.process.child.kill('SIGKILL');
    await victim.process.exited;
    const failed = await finished(replicas[1], id);
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'TRAINING_INTERRUPTED', error: expect.stringMatching(/^interrupted/) });
    expect((await replicas[2].graphql(JOB, { id })).data.trainingJob).toEqual(failed);
    expect(fs.existsSync(path.join(repository, 'doomed'))).toBe(false);
  }, 120_000);

  it('cancels a job from any replica: one running on A through B, one only queued (TRAINING_WORKER=false) before a worker claims it', async () => {
    const [a, b, c] = replicas;
    const id = (await a.graphql(TRAIN, { input: input('cancelled-here', { epochs: 1000 }) })).data.trainModel.id;
    await eventually('job running on A', async () => ((await a.graphql(JOB, { id })).data.trainingJob?.status === 'RUNNING' ? true : undefined));
    expect((await b.graphql(CANCEL, { id })).data.cancelTrainingJob).toEqual({ id, status: 'CANCELLED', errorCode: 'TRAINING_CANCELLED' });
    expect((await a.graphql(JOB, { id })).data.trainingJob).toMatchObject({ status: 'CANCELLED', errorCode: 'TRAINING_CANCELLED' });
    expect((await c.graphql(JOB, { id })).data.trainingJob).toMatchObject({ status: 'CANCELLED' });

    const env = { MODEL_REPOSITORY: path.join(root, 'repository-cancel'), TRAINING_DATA_ROOT: dataRoot };
    const [serving, other] = await Promise.all([
      startReplica('serving-1', root, { ...env, TRAINING_WORKER: 'false' }),
      startReplica('serving-2', root, { ...env, TRAINING_WORKER: 'false' }),
    ]);
    try {
      const queued = (await serving.graphql(TRAIN, { input: input('never-trained') })).data.trainModel.id;
      expect((await other.graphql(CANCEL, { id: queued })).data.cancelTrainingJob).toEqual({ id: queued, status: 'CANCELLED', errorCode: 'TRAINING_CANCELLED' });
      expect((await serving.graphql(JOB, { id: queued })).data.trainingJob).toMatchObject({ status: 'CANCELLED' });
      // Claimed by the cancel: a worker that starts now finds nothing to run.
      expect(fs.readFileSync(path.join(env.MODEL_REPOSITORY, '.jobs', `${queued}.claim`), 'utf8')).toMatch(/:\d+\n$/);
    } finally {
      await Promise.all([serving.process.stop(), other.process.stop()]);
    }
  }, 120_000);

  it('a serving replica with TRAINING_WORKER=false only queues; of two `npm run worker` processes exactly one claims the job, and the replica serves the model', async () => {
    // A repository of their own: the replicas above train (TRAINING_WORKER defaults to true) and would claim the job.
    const env = { MODEL_REPOSITORY: path.join(root, 'repository-workers'), TRAINING_DATA_ROOT: dataRoot };
    const serving = await startReplica('serving', root, { ...env, TRAINING_WORKER: 'false' });
    const workers: Array<import('node:child_process').ChildProcess> = [];
    try {
      const id = (await serving.graphql(TRAIN, { input: input('queued') })).data.trainModel.id;
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect((await serving.graphql(JOB, { id })).data.trainingJob).toMatchObject({ status: 'QUEUED' }); // nobody runs it yet
      workers.push(...(await Promise.all([startWorker(root, env), startWorker(root, env)])));
      expect(await finished(serving, id)).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
      const claim = fs.readFileSync(path.join(env.MODEL_REPOSITORY, '.jobs', `${id}.claim`), 'utf8').trim();
      expect(workers.filter((worker) => claim.endsWith(`:${worker.pid}`))).toHaveLength(1);
      expect(await eventually('queued served', served(serving, 'queued'))).toMatchObject({ version: 1, status: 'READY' });
    } finally {
      for (const worker of workers) worker.kill('SIGKILL');
      await serving.process.stop();
    }
  }, 120_000);
});
