import path from 'node:path';
import { watchTrainingJob } from '../../examples/client/watchTrainingJob';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { subscribeToEnd } from '../support/subscriptions';
import { temporaryDir, writeColourFolders } from '../training/support/images';

const TRAIN = `mutation($input: TrainModelInput!) { trainModel(input: $input) { id status } }`;
const EVENTS = `subscription TrainingJobEvents($id: ID!) {
  trainingJobEvents(id: $id) {
    jobId sequence kind at stage step steps
    epoch { epoch epochs phase loss validationAccuracy }
    job { status stage progress epoch epochs loss validationAccuracy etaSeconds error evaluation { accuracy examples } model { id } }
  }
}`;

/** A real graphql-sse client against the live gateway over HTTP, following a short training job to its end. */
describe('trainingJobEvents subscription (GraphQL over SSE)', () => {
  let gw: RunningGateway;
  const root = temporaryDir('train-events-');

  beforeAll(async () => {
    await writeColourFolders(path.join(root, 'data', 'colours'), 4);
    gw = await startGateway({ TRAINING_DATA_ROOT: path.join(root, 'data'), MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' });
  });
  afterAll(() => gw?.close());

  it('streams ordered events from the current state to the final evaluation, then completes', async () => {
    const input = { modelId: 'colours-live', data: 'colours', epochs: 3, batchSize: 4, testFraction: 0.34, validationFraction: 0.25, seed: 5 };
    const { body } = await gw.graphql(TRAIN, { input });
    expect(body.errors).toBeUndefined();
    const id = body.data.trainModel.id;

    const results = await subscribeToEnd(gw.url, EVENTS, { id });
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    const events = results.map((result: any) => result.data.trainingJobEvents);

    // In order, none missing after the first (the job's latest event when the stream opened).
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, i) => events[0].sequence + i));
    expect(new Set(events.map((event) => event.jobId))).toEqual(new Set([id]));
    const times = events.map((event) => new Date(event.at).getTime());
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const stages = events.filter((event) => event.kind === 'STAGE').map((event) => event.stage);
    expect(stages).toEqual(expect.arrayContaining(['embedding', 'training', 'evaluating', 'saving']));
    expect(stages.indexOf('embedding')).toBeLessThan(stages.indexOf('training'));

    const epochs = events.filter((event) => event.kind === 'EPOCH');
    // The head's epochs, then (refitOnAllPhotos, the default) the refit's: all counted in one sequence, each named by its phase.
    const total = epochs[0].epoch.epochs;
    expect(total).toBe(2 * input.epochs);
    expect(epochs.map((event) => event.epoch.epoch)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(epochs.map((event) => event.epoch.phase)).toEqual([...Array(input.epochs).fill('HEAD'), ...Array(input.epochs).fill('REFIT')]);
    expect(stages.indexOf('evaluating')).toBeLessThan(stages.indexOf('refitting'));
    for (const event of epochs) {
      const stage = event.epoch.phase === 'REFIT' ? 'refitting' : 'training';
      expect(event).toMatchObject({ stage, epoch: { epochs: total, loss: expect.any(Number) }, job: { status: 'RUNNING', epoch: event.epoch.epoch, epochs: total } });
      expect(event.job.loss).toBe(event.epoch.loss);
    }
    expect(events.some((event) => typeof event.job.etaSeconds === 'number')).toBe(true);
    const progress = events.map((event) => event.job.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const last = events.at(-1);
    expect(last).toMatchObject({ kind: 'STATUS', job: { status: 'SUCCEEDED', progress: 1, error: null, etaSeconds: null, model: { id: 'colours-live' } } });
    expect(last.job.evaluation).toMatchObject({ accuracy: expect.any(Number), examples: expect.any(Number) });
    expect(events.filter((event) => event.job.status === 'SUCCEEDED')).toHaveLength(1);

    // A subscriber that comes after the end gets the final event at once, then the end of the stream.
    const late = await subscribeToEnd(gw.url, EVENTS, { id });
    expect(late.map((result: any) => result.data.trainingJobEvents)).toEqual([last]);
    // So does the example client, with the generated TrainingJobEvents document.
    const seen: unknown[] = [];
    const final = await watchTrainingJob(gw.url, id, (event) => seen.push(event));
    expect(seen).toEqual([final]);
    expect(final).toMatchObject({ sequence: last.sequence, kind: 'STATUS', job: { id, status: 'SUCCEEDED', evaluation: { accuracy: last.job.evaluation.accuracy } } });
    await expect(watchTrainingJob(gw.url, 'no-such-job')).rejects.toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'TRAINING_JOB_NOT_FOUND' }) })],
    });
  });

  it('answers an unknown job id with TRAINING_JOB_NOT_FOUND and ends the stream', async () => {
    const results = await subscribeToEnd(gw.url, EVENTS, { id: 'no-such-job' });
    expect(results).toHaveLength(1);
    expect(results[0].data ?? null).toBeNull();
    expect(results[0].errors).toEqual([
      expect.objectContaining({ path: ['trainingJobEvents'], extensions: expect.objectContaining({ code: 'TRAINING_JOB_NOT_FOUND', id: 'no-such-job' }) }),
    ]);
  });
});
