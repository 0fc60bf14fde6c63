import fs from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../../src/models/tfBackend';
import { FakeGcs } from '../../fakes/gcs/FakeGcs';
import { ensureBuilt } from '../../lifecycle/serverProcess';
import { writeTinyBackbone } from '../../support/tinyBackbone';
import { colourImage, temporaryDir, writeColourFolders } from '../../training/support/images';
import { DELETE, JOB, MODELS, TRAIN, eventually, startReplica, startWorker, type Replica } from './replicaCluster';

/** Issue 19 on Cloud Storage: two gateway processes share MODEL_REPOSITORY=gs://models/repo on the loopback JSON API. */
describe('replicas sharing a gs:// repository', () => {
  const root = temporaryDir('gcs-replicas-');
  const dataRoot = path.join(root, 'data');
  const replicas: Replica[] = [];
  let gcs: FakeGcs;
  const served = (replica: Replica, id: string) => async () => ((await replica.graphql(MODELS)).data.models as any[]).find((model) => model.id === id);

  beforeAll(async () => {
    ensureBuilt();
    gcs = await FakeGcs.start();
    await writeColourFolders(path.join(dataRoot, 'colours'), 6);
    await writeTinyBackbone((await initBackend()).tf, path.join(dataRoot, 'tiny'));
    const env = { MODEL_REPOSITORY: 'gs://models/repo', MODEL_REPOSITORY_GCS_ENDPOINT: gcs.endpoint, TRAINING_DATA_ROOT: dataRoot, METADATA_SERVER_DETECTION: 'none' };
    replicas.push(...(await Promise.all(['a', 'b'].map((name) => startReplica(name, root, env)))));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.process.stop()));
    await gcs?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('serves a model trained through A on B with the same scores, B answers for the job, and a model deleted on B is gone from A', async () => {
    const [a, b] = replicas;
    const input = { modelId: 'shared', data: 'colours', backbone: 'tiny', epochs: 2, batchSize: 8, testFraction: 0.3, seed: 1 };
    const started = await a.graphql(TRAIN, { input });
    expect(started.errors).toBeUndefined();
    const id = started.data.trainModel.id;
    const finished = (replica: Replica) =>
      eventually(`job on ${replica.name}`, async () => {
        const job = (await replica.graphql(JOB, { id })).data.trainingJob;
        return job && job.status !== 'QUEUED' && job.status !== 'RUNNING' ? job : undefined;
      });
    const onA = await finished(a);
    expect(onA).toMatchObject({ status: 'SUCCEEDED', progress: 1 });
    expect(await finished(b)).toEqual(onA);
    expect(gcs.names('models', 'repo/.jobs/')).toEqual([`repo/.jobs/${id}.claim`, `repo/.jobs/${id}.json`]);
    expect(gcs.names('models', 'repo/shared/1/')).toEqual(expect.arrayContaining(['repo/shared/1/.claim', 'repo/shared/1/.complete', 'repo/shared/1/model.json']));

    expect(await eventually('shared on b', served(b, 'shared'))).toMatchObject({ version: 1, status: 'READY' });
    expect(fs.existsSync(path.join(root, 'local-b', '.repository-cache', 'shared', '1', 'model.json'))).toBe(true);
    const image = await colourImage('red', 7);
    const [onAScores, onBScores] = await Promise.all([a.classify(image, 'shared'), b.classify(image, 'shared@1')]);
    expect(onAScores.labels).toHaveLength(3);
    expect(onBScores).toEqual(onAScores);

    expect((await b.graphql(DELETE, { id: 'shared' })).data).toEqual({ deleteModel: true });
    expect(gcs.names('models', 'repo/shared/')).toEqual([]);
    await eventually('shared gone from a', async () => ((await served(a, 'shared')()) ? undefined : true));
    expect(await a.classify(image, 'shared')).toEqual({ code: 'MODEL_UNAVAILABLE' });
  }, 60_000);

  it('a serving replica with TRAINING_WORKER=false only queues; of two `npm run worker` processes exactly one claims the job on the bucket', async () => {
    const env = { MODEL_REPOSITORY: 'gs://models/workers', MODEL_REPOSITORY_GCS_ENDPOINT: gcs.endpoint, TRAINING_DATA_ROOT: dataRoot, METADATA_SERVER_DETECTION: 'none' };
    const serving = await startReplica('serving', root, { ...env, TRAINING_WORKER: 'false' });
    const workers: Array<import('node:child_process').ChildProcess> = [];
    try {
      const input = { modelId: 'queued', data: 'colours', backbone: 'tiny', epochs: 2, batchSize: 8, testFraction: 0.3, seed: 1 };
      const id = (await serving.graphql(TRAIN, { input })).data.trainModel.id;
      expect((await serving.graphql(JOB, { id })).data.trainingJob).toMatchObject({ status: 'QUEUED' });
      workers.push(...(await Promise.all([startWorker(root, env), startWorker(root, env)])));
      await eventually('job finished', async () => ((await serving.graphql(JOB, { id })).data.trainingJob?.status === 'SUCCEEDED' ? true : undefined));
      const claim = gcs.get('models', `workers/.jobs/${id}.claim`)!.toString('utf8').trim();
      expect(workers.filter((worker) => claim.endsWith(`:${worker.pid}`))).toHaveLength(1);
      expect(await eventually('queued served', served(serving, 'queued'))).toMatchObject({ version: 1, status: 'READY' });
    } finally {
      for (const worker of workers) worker.kill('SIGKILL');
      await serving.process.stop();
    }
  }, 120_000);
});
