import { Storage } from '@google-cloud/storage';
import { gcsStatus, listAll } from '../../../src/models/repository/gcsBucket';
import { FakeGcs } from './FakeGcs';

/** The fake answers what `@google-cloud/storage` really sends: each upload kind, preconditions, paged listings, deletes. */
describe('FakeGcs with the real client', () => {
  let gcs: FakeGcs;
  const bucket = () => new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test', retryOptions: { maxRetries: 0 } }).bucket('b');
  beforeAll(async () => {
    gcs = await FakeGcs.start();
  });
  afterAll(() => gcs.close());

  it.each([
    ['multipart', { resumable: false }],
    ['resumable', { resumable: true }],
  ])('%s uploads create objects, and ifGenerationMatch=0 on an existing one answers 412', async (kind, options) => {
    const file = bucket().file(`up/${kind}.bin`);
    const bytes = Buffer.alloc(30_000, kind.length);
    await file.save(bytes, { ...options, preconditionOpts: { ifGenerationMatch: 0 } });
    expect(gcs.requests.some((request) => request.query.uploadType === kind && request.query.ifGenerationMatch === '0')).toBe(true);
    expect((await file.download())[0]).toEqual(bytes);
    const failure = await file.save(Buffer.from('again'), { ...options, preconditionOpts: { ifGenerationMatch: 0 } }).catch((error: unknown) => error);
    expect(gcsStatus(failure)).toBe(412);
    const [metadata] = await file.getMetadata();
    await file.save(Buffer.from('replaced'), { ...options, preconditionOpts: { ifGenerationMatch: metadata.generation! } });
    expect((await file.download())[0].toString()).toBe('replaced');
  });

  it('media uploads name the object in the query', async () => {
    const response = await fetch(`${gcs.endpoint}/upload/storage/v1/b/b/o?uploadType=media&name=${encodeURIComponent('up/media.txt')}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(await response.json()).toMatchObject({ kind: 'storage#object', name: 'up/media.txt', size: '5', contentType: 'text/plain', generation: expect.any(String) });
  });

  it('lists items and prefixes together in name order, maxResults at a time, following nextPageToken', async () => {
    for (const name of ['l/a', 'l/b/1', 'l/b/2', 'l/c', 'l/d/1']) gcs.put('b', name, Buffer.from(name), 'text/plain');
    const [, next, page] = await bucket().getFiles({ prefix: 'l/', delimiter: '/', maxResults: 2, autoPaginate: false });
    expect(page).toMatchObject({ items: [{ name: 'l/a' }], prefixes: ['l/b/'], nextPageToken: expect.any(String) });
    expect(next).toMatchObject({ pageToken: (page as { nextPageToken: string }).nextPageToken });
    expect(await listAll(bucket(), 'l/', { delimiter: '/', pageSize: 2 })).toEqual({ names: ['l/a', 'l/c'], prefixes: ['l/b/', 'l/d/'] });
    expect((await listAll(bucket(), 'l/', { pageSize: 1 })).names).toEqual(['l/a', 'l/b/1', 'l/b/2', 'l/c', 'l/d/1']);
  });

  it('deletes answer 204, then 404; a generation precondition that does not hold answers 412', async () => {
    const file = bucket().file('l/a');
    expect(gcsStatus(await file.delete({ ifGenerationMatch: 999_999 }).catch((error: unknown) => error))).toBe(412);
    const [response] = await file.delete();
    expect(response.statusCode).toBe(204);
    expect(gcsStatus(await file.delete().catch((error: unknown) => error))).toBe(404);
    expect(gcsStatus(await file.getMetadata().catch((error: unknown) => error))).toBe(404);
  });
});
