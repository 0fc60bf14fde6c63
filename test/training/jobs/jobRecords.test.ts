import fs from 'node:fs';
import path from 'node:path';
import { FolderJobStore } from '../../../src/training/jobs/FolderJobStore';
import { JobRecords } from '../../../src/training/jobs/JobRecords';
import type { TrainingJob } from '../../../src/training/trainingJob';
import { temporaryDir } from '../support/images';

const job = (id: string, status: TrainingJob['status'] = 'RUNNING'): TrainingJob => ({
  id,
  modelId: 'm',
  owner: 'key:alice',
  status,
  progress: 0.5,
  epochs: 3,
  createdAt: new Date(),
});
const ID = '00000000-0000-4000-8000-00000000000';

/** Job records in a shared folder: one claimant per job, and a silent runner's job failed after the lease. */
describe('job records', () => {
  const root = temporaryDir('job-records-');
  const store = new FolderJobStore(path.join(root, '.jobs'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lets exactly one of many claimants take a job', async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.claim(`${ID}1`, `runner-${i}`)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('fails a claimed job whose heartbeat is older than the lease (TRAINING_INTERRUPTED), once, and leaves a waiting job alone', async () => {
    const records = new JobRecords(store, { heartbeatMs: 60_000, leaseMs: 200, keepFinished: 10 });
    await store.write({ job: job(`${ID}2`), events: [], heartbeatAt: new Date(Date.now() - 1000).toISOString(), runner: 'gone:1' });
    await store.write({ job: job(`${ID}3`, 'QUEUED'), events: [] }); // unclaimed: waits for a worker, however long
    const failed = await records.read(`${ID}2`);
    expect(failed?.job).toMatchObject({
      status: 'FAILED',
      errorCode: 'TRAINING_INTERRUPTED',
      error: expect.stringMatching(/^interrupted: the process running the job \(gone:1\) stopped/),
    });
    expect(failed?.events.at(-1)).toMatchObject({ kind: 'STATUS', sequence: 1, job: { status: 'FAILED' } });
    expect((await store.read(`${ID}2`))?.job.status).toBe('FAILED');
    expect((await records.read(`${ID}3`))?.job.status).toBe('QUEUED');
    await records.close();
  });

  it('writes a runner’s events into its record with a fresh heartbeat, numbering on from the events already there', async () => {
    const records = new JobRecords(store, { heartbeatMs: 50, leaseMs: 10_000, keepFinished: 10 });
    const queued = job(`${ID}4`, 'QUEUED');
    await store.write({ job: queued, events: [{ jobId: queued.id, sequence: 1, kind: 'STATUS', at: new Date(), job: queued }] });
    expect(await records.adopt((await store.read(queued.id))!)).toBe(true);
    records.published({ jobId: queued.id, sequence: 1, kind: 'STATUS', at: new Date(), job: { ...queued, status: 'RUNNING' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const stored = await store.read(queued.id);
    expect(stored?.events.map((event) => [event.sequence, event.job.status])).toEqual([
      [1, 'QUEUED'],
      [2, 'RUNNING'],
    ]);
    expect(Date.now() - Date.parse(stored!.heartbeatAt!)).toBeLessThan(1000);
    await records.close();
  });

  it('keeps the whole epoch history in the record (events carry the job without it), through a write and a read', async () => {
    const records = new JobRecords(store, { heartbeatMs: 60_000, leaseMs: 10_000, keepFinished: 10 });
    const running = job(`${ID}9`);
    await records.created(running, { data: { kind: 'folder', dir: '/d' }, out: '/o' }, true);
    let sequence = 0;
    for (let epoch = 1; epoch <= 100; epoch++) {
      const report = { epoch, epochs: 100, phase: 'head' as const, phaseEpoch: epoch, phaseEpochs: 100, loss: 1 / epoch };
      records.published({ jobId: running.id, sequence: ++sequence, kind: 'EPOCH', at: new Date(), epoch: report, job: { ...running, epoch, loss: report.loss } });
    }
    records.published({ jobId: running.id, sequence: sequence + 1, kind: 'STATUS', at: new Date(), job: { ...running, status: 'SUCCEEDED', finishedAt: new Date() } });
    await records.close();
    const stored = await store.read(running.id);
    expect(stored!.events.length).toBeLessThanOrEqual(64);
    expect(stored!.job.history).toHaveLength(100);
    expect(stored!.job.history!.map((epoch) => epoch.epoch)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(stored!.job.history!.at(-1)).toEqual({ epoch: 100, epochs: 100, phase: 'head', phaseEpoch: 100, phaseEpochs: 100, loss: 0.01 });
    expect(stored!.job.status).toBe('SUCCEEDED');
  });
});
