import { Storage } from '@google-cloud/storage';
import type { JobRecord } from '../../../src/training/jobs/JobStore';
import { GcsJobStore } from '../../../src/training/jobs/GcsJobStore';
import { FakeGcs } from '../../fakes/gcs/FakeGcs';

/** Job records as Cloud Storage objects: generation preconditions, one claim per job, listing. */
describe('GcsJobStore', () => {
  let gcs: FakeGcs;
  let a: GcsJobStore;
  let b: GcsJobStore;
  const record = (id: string, status: string, progress = 0): JobRecord =>
    ({ job: { id, status, progress, modelId: 'm', createdAt: new Date('2026-12-07T10:00:00Z') }, events: [] }) as unknown as JobRecord;
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    gcs = await FakeGcs.start();
    const bucket = () => new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test', retryOptions: { maxRetries: 0 } }).bucket('models');
    a = new GcsJobStore(bucket(), 'repo/');
    b = new GcsJobStore(bucket(), 'repo/');
  });
  afterAll(() => gcs.close());

  it('writes with ifGenerationMatch, reads on another replica, and lists every record', async () => {
    await a.write(record(id(1), 'QUEUED'));
    await a.write(record(id(2), 'QUEUED'));
    expect(gcs.names('models', 'repo/.jobs/')).toEqual([`repo/.jobs/${id(1)}.json`, `repo/.jobs/${id(2)}.json`]);
    expect((await b.read(id(1)))?.job).toMatchObject({ status: 'QUEUED', createdAt: new Date('2026-12-07T10:00:00Z') });
    const writes = gcs.requests.filter((request) => request.method === 'POST' && request.query.name === `repo/.jobs/${id(1)}.json`);
    expect(writes[0].query).toMatchObject({ uploadType: 'multipart', ifGenerationMatch: '0' });
    await a.write(record(id(1), 'RUNNING', 0.5));
    expect(gcs.requests.at(-1)?.query.ifGenerationMatch).toMatch(/^[1-9][0-9]*$/); // the generation A wrote
    expect((await b.list()).map((entry) => [entry.job.id, entry.job.status]).sort()).toEqual([
      [id(1), 'RUNNING'],
      [id(2), 'QUEUED'],
    ]);
    expect(await b.read(id(9))).toBeUndefined();
  });

  it('a stale write (412) never turns a job another replica finished back to running', async () => {
    await a.write(record(id(3), 'RUNNING', 0.2));
    await b.read(id(3));
    await b.write(record(id(3), 'FAILED', 0.2)); // the lease ran out on B
    await a.write(record(id(3), 'RUNNING', 0.4)); // A's heartbeat, written from its stale generation
    expect((await b.read(id(3)))?.job).toMatchObject({ status: 'FAILED', progress: 0.2 });
    expect(gcs.requests.filter((request) => request.query.name === `repo/.jobs/${id(3)}.json`).map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('lets exactly one of two runners claim a job, and removes record and claim', async () => {
    const claims = await Promise.all([a.claim(id(1), 'host:1'), b.claim(id(1), 'host:2'), a.claim(id(1), 'host:3')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await b.remove(id(1));
    expect(gcs.names('models', `repo/.jobs/${id(1)}`)).toEqual([]);
    expect(await a.read(id(1))).toBeUndefined();
    await b.remove(id(1)); // already gone: no error
  });

  it('keeps the first cancel request of a job (ifGenerationMatch=0) for its runner to read, and removes it with the job', async () => {
    expect(await a.cancelRequest(id(2))).toBeUndefined();
    await Promise.all([b.requestCancel(id(2), 'cancelled by its owner'), a.requestCancel(id(2), 'cancelled by an administrator')]);
    expect(['cancelled by its owner', 'cancelled by an administrator']).toContain(await a.cancelRequest(id(2)));
    await a.remove(id(2));
    expect(await b.cancelRequest(id(2))).toBeUndefined();
  });
});
