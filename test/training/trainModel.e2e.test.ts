import fs from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../src/models/tfBackend';
import { TrainingJobs } from '../../src/training/TrainingJobs';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { colourImage, temporaryDir, writeColourFolders } from './support/images';
import { anonymousCaller, SCOPES } from '../../src/auth/caller';

const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { id modelId status progress epochs } }`;
const JOB = `query($id: ID!) {
  trainingJob(id: $id) {
    id status stage progress epoch epochs loss error errorCode backbone createdAt startedAt finishedAt
    evaluation {
      examples multiLabel accuracy auPrc logLoss
      perClass { label precision recall f1 support auPrc }
      confusionMatrix { labels matrix }
      confidenceMetrics { threshold precision recall f1 }
      precisionRecallCurve { threshold precision recall }
      unknownThreshold
      atThreshold(threshold: 0.5) { threshold precision recall f1 unlabelled perClass { label precision recall } }
      photos(first: 500) { path trueLabels predictedLabel score scores thumbnail }
    }
    history { epoch epochs phase phaseEpoch phaseEpochs loss }
    model { id labels }
  }
}`;
const CLASSIFY = `mutation($files: [Upload!]!, $model: ID) { classify(files: $files, model: $model, maxResults: 3) { filename error { code } labels { name score } } }`;

describe('trainModel / trainingJob through the gateway', () => {
  let gw: RunningGateway;
  const root = temporaryDir('train-e2e-');
  const dataRoot = path.join(root, 'data');

  beforeAll(async () => {
    await writeColourFolders(path.join(dataRoot, 'colours'), 10);
    await writeColourFolders(path.join(dataRoot, 'single'), 1);
    fs.rmSync(path.join(dataRoot, 'single', 'green'), { recursive: true });
    fs.rmSync(path.join(dataRoot, 'single', 'blue'), { recursive: true });
    await writeTinyBackbone((await initBackend()).tf, path.join(dataRoot, 'tiny'));
    gw = await startGateway({ TRAINING_DATA_ROOT: dataRoot, MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' });
  });
  afterAll(() => gw?.close());

  async function waitForJob(id: string, whileRunning?: () => Promise<void>) {
    const deadline = Date.now() + 100_000;
    for (;;) {
      const { body } = await gw.graphql(JOB, { id });
      const job = body.data.trainingJob;
      if (job.status === 'SUCCEEDED' || job.status === 'FAILED' || Date.now() > deadline) return job;
      if (job.status === 'RUNNING') await whileRunning?.();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  it('trains off the request path, then serves the new model in classify without a restart', async () => {
    const input = { modelId: 'colours', data: 'colours', backbone: 'tiny', epochs: 20, batchSize: 8, learningRate: 0.01, testFraction: 0.3, seed: 3 };
    const { body } = await gw.graphql(TRAIN, { input });
    expect(body.errors).toBeUndefined();
    expect(body.data.trainModel).toMatchObject({ modelId: 'colours', status: expect.stringMatching(/QUEUED|RUNNING/), epochs: 40 }); // planned from the start: the head's 20, then the refit's

    const latencies: number[] = [];
    const stages = new Set<string>();
    const job = await waitForJob(body.data.trainModel.id, async () => {
      const started = Date.now();
      const { body: list } = await gw.graphql('{ trainingJobs { id status stage progress } }');
      latencies.push(Date.now() - started);
      if (list.data.trainingJobs[0].stage) stages.add(list.data.trainingJobs[0].stage);
    });
    // 20 epochs of the head on the frozen backbone, then 20 more for the refit on every labelled image (refitOnAllPhotos by default).
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      progress: 1,
      epoch: 40,
      epochs: 40,
      error: null,
      backbone: expect.stringMatching(/^tiny@[0-9a-f]{12}:global_average_pooling$/),
    });
    expect(job.model).toEqual({ id: 'colours', labels: ['blue', 'green', 'red'] });
    expect(job.evaluation).toMatchObject({ examples: 9, multiLabel: false, confusionMatrix: { labels: ['blue', 'green', 'red'] } });
    expect(job.evaluation.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(job.evaluation.confidenceMetrics).toHaveLength(19);
    // The whole epoch history, phases numbered within themselves; the job's loss is its last epoch's.
    expect(job.history).toHaveLength(40);
    expect(job.history.map((epoch: { phase: string; phaseEpoch: number }) => `${epoch.phase}${epoch.phaseEpoch}`)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `HEAD${i + 1}`),
      ...Array.from({ length: 20 }, (_, i) => `REFIT${i + 1}`),
    ]);
    expect(new Set(job.history.map((epoch: { phaseEpochs: number }) => epoch.phaseEpochs))).toEqual(new Set([20]));
    expect(job.loss).toBe(job.history.at(-1).loss);
    // The TEST photos kept with the evaluation: relative paths, thumbnails, a curve, metrics at a threshold.
    const { photos, precisionRecallCurve, atThreshold, unknownThreshold, confidenceMetrics } = job.evaluation;
    expect(precisionRecallCurve).toHaveLength(101);
    expect(precisionRecallCurve[50]).toMatchObject({ threshold: 0.5, precision: confidenceMetrics[9].precision, recall: confidenceMetrics[9].recall });
    expect(atThreshold).toMatchObject({ threshold: 0.5, precision: confidenceMetrics[9].precision, recall: confidenceMetrics[9].recall });
    expect(atThreshold.perClass).toEqual(job.evaluation.perClass.map(({ label, precision, recall }: Record<string, unknown>) => ({ label, precision, recall })));
    expect(unknownThreshold).toBeGreaterThan(0);
    expect(unknownThreshold).toBeLessThanOrEqual(1);
    expect(photos).toHaveLength(9);
    for (const photo of photos) {
      expect(photo.path).toMatch(/^(red|green|blue)\/[^/]+$/);
      expect(photo.trueLabels).toEqual([photo.path.split('/')[0]]);
      expect(photo.scores).toHaveLength(3);
      expect(photo.thumbnail).toMatch(/^data:image\/jpeg;base64,\/9j\//);
    }
    expect(new Date(job.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(job.startedAt).getTime());
    // Training runs in a worker thread: the gateway kept answering while it ran.
    expect(latencies.length).toBeGreaterThan(0);
    // Generous, for a busy machine: a gateway blocked by training would not answer until training ends.
    expect(Math.max(...latencies)).toBeLessThan(10_000);
    expect([...stages].some((stage) => ['embedding', 'training'].includes(stage))).toBe(true);

    const { body: classified } = await postMultipart(gw.url, CLASSIFY, [{ filename: 'red.jpg', bytes: await colourImage('red', 5), type: 'image/jpeg' }], {
      variables: { model: 'colours' },
    });
    expect(classified.errors).toBeUndefined();
    expect(classified.data.classify[0].labels[0].name).toBe('red');

    const { body: models } = await gw.graphql('{ models { id evaluation { accuracy examples perClass { label support } } } }');
    expect(models.data.models).toEqual([{ id: 'colours', evaluation: { accuracy: job.evaluation.accuracy, examples: 9, perClass: expect.any(Array) } }]);
    expect(fs.existsSync(path.join(root, 'models', 'colours', '1', 'evaluation.json'))).toBe(true);
    // A confusion-matrix cell opens its photos: as many as the cell counts, through the served model too.
    const CELL = `query($t: String, $p: String) { models { evaluation { confusionMatrix { labels matrix } photos(trueLabel: $t, predictedLabel: $p) { path } } } }`;
    const { labels, matrix } = job.evaluation.confusionMatrix;
    for (const [t, trueLabel] of labels.entries()) {
      for (const [p, predictedLabel] of labels.entries()) {
        const { body: cell } = await gw.graphql(CELL, { t: trueLabel, p: predictedLabel });
        expect(cell.data.models[0].evaluation.photos).toHaveLength(matrix[t][p]);
      }
    }
    const { body: bad } = await gw.graphql('{ models { evaluation { atThreshold(threshold: 1.5) { precision } } } }');
    expect(bad.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'threshold' });
    expect(JSON.parse(fs.readFileSync(path.join(root, 'models', 'colours', '1', '.gateway-model.json'), 'utf8'))).toMatchObject({ writtenBy: 'openimages-gateway', jobId: job.id });
  });

  it('reports a job that cannot train as FAILED, with the reason', async () => {
    const { body } = await gw.graphql(TRAIN, { input: { modelId: 'single', data: 'single', epochs: 1 } });
    const job = await waitForJob(body.data.trainModel.id);
    expect(job).toMatchObject({ status: 'FAILED', errorCode: 'TRAINING_DATA_INVALID', evaluation: null, model: null });
    expect(job.error).toMatch(/at least two labels/);
  });

  it('refuses data outside TRAINING_DATA_ROOT, malformed requests and unknown jobs', async () => {
    const refused = async (input: Record<string, unknown>) => (await gw.graphql(TRAIN, { input: { modelId: 'm', ...input } })).body.errors[0];
    expect(await refused({ data: '..' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/outside the training data root/) });
    expect(await refused({ csv: '../../etc/passwd' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await refused({ data: 'missing' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringMatching(/not a directory/) });
    expect(await refused({ data: 'colours', csv: 'x.csv' })).toMatchObject({ message: expect.stringMatching(/exactly one of/) });
    expect(await refused({ data: 'colours', modelId: '../evil' })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(await refused({ data: 'colours', epochs: 0 })).toMatchObject({ message: expect.stringMatching(/epochs/) });
    expect(await refused({ data: 'colours', featureLayer: `conv_28:median${'x'.repeat(10_000)}` })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argument: 'featureLayer' },
      message: expect.stringMatching(/^`featureLayer` must be a layer name or a comma-separated list of layer\[:avg\|max\|avg\+max\], got "conv_28:median/),
    });
    expect((await refused({ data: 'colours', featureLayer: `conv_28:median${'x'.repeat(10_000)}` })).message.length).toBeLessThan(300);
    // An unknown id reads as null, exactly like someone else's job: ids are not probed for existence.
    const { body } = await gw.graphql(JOB, { id: '00000000-0000-4000-8000-000000000000' });
    expect(body.data.trainingJob).toBeNull();
    expect(body.errors).toBeUndefined();
    expect((await gw.graphql(JOB, { id: 'no-such-job' })).body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'id' } });
  });
});

const tester = anonymousCaller('127.0.0.1', SCOPES);

describe('TrainingJobs', () => {
  it('refuses to train when TRAINING_DATA_ROOT is unset', async () => {
    const jobs = new TrainingJobs({ modelsDir: temporaryDir('models-'), maxImagePixels: 1e7 });
    await expect(jobs.start({ modelId: 'x', data: 'y' }, tester)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringMatching(/TRAINING_DATA_ROOT/),
    });
  });

  it('never overwrites a model folder that training did not write', async () => {
    const root = temporaryDir('foreign-');
    fs.mkdirSync(path.join(root, 'data', 'a'), { recursive: true });
    fs.mkdirSync(path.join(root, 'models', 'downloaded'), { recursive: true });
    fs.writeFileSync(path.join(root, 'models', 'downloaded', 'model.json'), '{}');
    fs.writeFileSync(path.join(root, 'models', 'downloaded', 'metadata.json'), '{"labels":["x"]}');
    const jobs = new TrainingJobs({ dataRoot: path.join(root, 'data'), modelsDir: path.join(root, 'models'), maxImagePixels: 1e7 });
    await expect(jobs.start({ modelId: 'downloaded', data: '.' }, tester)).rejects.toThrow(/was not written by the gateway/);
  });
});
