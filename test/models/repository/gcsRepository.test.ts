import fs from 'node:fs';
import path from 'node:path';
import { Storage } from '@google-cloud/storage';
import { GATEWAY_MARKER_FILE, writeGatewayMarker } from '../../../src/models/gatewayMarker';
import { ForeignModelError } from '../../../src/models/repository/foreignModel';
import { GcsRepository } from '../../../src/models/repository/GcsRepository';
import { FakeGcs } from '../../fakes/gcs/FakeGcs';
import { temporaryDir } from '../../training/support/images';
import { writeTinyModel } from '../support/tinyModel';

/** The Cloud Storage model repository, with the real client against the loopback JSON API. */
describe('GcsRepository', () => {
  const root = temporaryDir('gcs-repository-');
  let gcs: FakeGcs;
  let repository: GcsRepository;
  let other: GcsRepository;

  beforeAll(async () => {
    gcs = await FakeGcs.start();
    const bucket = () => new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test', retryOptions: { maxRetries: 0 } }).bucket('models');
    // A page size of 2: every listing below goes through pageToken.
    repository = new GcsRepository(bucket(), 'repo/', path.join(root, 'cache-a'), 2);
    other = new GcsRepository(bucket(), 'repo/', path.join(root, 'cache-b'), 2);
  });
  afterAll(async () => {
    await gcs.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function staged(name: string): Promise<string> {
    const dir = await writeTinyModel(path.join(root, 'staging', name));
    await writeGatewayMarker(dir, { owner: 'key:alice' });
    return dir;
  }

  it('publishes concurrent writes as distinct versions (claims with ifGenerationMatch=0), keeps the newest two, and another replica downloads the newest whole', async () => {
    const published = await Promise.all([1, 2, 3].map(async (n) => (n === 2 ? other : repository).publish('colours', await staged(`c${n}`))));
    expect(published.map((model) => model.version).sort()).toEqual([1, 2, 3]);
    expect(gcs.requests.some((request) => request.query.ifGenerationMatch === '0' && request.query.name?.endsWith('/.claim'))).toBe(true);
    expect(gcs.names('models', 'repo/colours/').filter((name) => name.endsWith('/.complete'))).toEqual(['repo/colours/2/.complete', 'repo/colours/3/.complete']);
    expect(await other.scan()).toEqual([{ id: 'colours', version: 3 }]);
    expect(await other.find('colours')).toMatchObject({ marker: { owner: 'key:alice' } });
    const local = await other.localFolder({ id: 'colours', version: 3 });
    expect(local).toBe(path.join(root, 'cache-b', 'colours', '3'));
    expect(fs.readdirSync(path.join(root, 'cache-b', 'colours'))).not.toContain('1'); // older than the newest two: pruned once 3 is here
    const source = await staged('compare');
    expect(fs.readdirSync(local).sort()).toEqual(fs.readdirSync(source).sort());
    expect(fs.readFileSync(path.join(local, 'model.json'))).toEqual(gcs.get('models', 'repo/colours/3/model.json'));
    const listings = gcs.requests.filter((request) => request.method === 'GET' && request.path === '/storage/v1/b/models/o');
    expect(listings.some((request) => request.query.pageToken && request.query.maxResults === '2')).toBe(true);
    expect(listings.some((request) => request.query.delimiter === '/')).toBe(true);
  });

  it('never shows a version whose marker was not written yet (half-uploaded), nor counts it as stored', async () => {
    gcs.put('models', 'repo/partial/1/.claim', Buffer.from('host:1\n'), 'text/plain');
    gcs.put('models', 'repo/partial/1/model.json', Buffer.from('{}'), 'application/json');
    expect((await repository.scan()).map((model) => model.id)).toEqual(['colours']);
    expect(await repository.find('partial')).toBeUndefined();
    // The next publish takes the number after the abandoned claim.
    expect(await repository.publish('partial', await staged('p1'))).toEqual({ id: 'partial', version: 2 });
    expect(await other.scan()).toEqual([
      { id: 'colours', version: 3 },
      { id: 'partial', version: 2 },
    ]);
  });

  it('removes the markers first, then every object; objects the gateway did not write stay', async () => {
    expect(await repository.remove('colours')).toBe(true);
    expect(gcs.names('models', 'repo/colours/')).toEqual([]);
    expect((await other.scan()).map((model) => model.id)).toEqual(['partial']);
    expect(await repository.remove('colours')).toBe(false);
    const deletes = gcs.requests.filter((request) => request.method === 'DELETE').map((request) => decodeURIComponent(request.path));
    expect(deletes.findIndex((name) => name.endsWith('colours/3/model.json'))).toBeGreaterThan(deletes.findIndex((name) => name.endsWith('colours/3/.complete')));

    gcs.put('models', 'repo/foreign/1/.claim', Buffer.from('x'), 'text/plain');
    gcs.put('models', 'repo/foreign/1/.complete', Buffer.from('{"files":[]}'), 'application/json');
    gcs.put('models', `repo/foreign/1/${GATEWAY_MARKER_FILE}`, Buffer.from('{"writtenBy":"someone"}'), 'application/json');
    expect(await repository.find('foreign')).toEqual({ marker: undefined });
    await expect(repository.remove('foreign')).rejects.toThrow(ForeignModelError);
    gcs.put('models', 'repo/loose/model.json', Buffer.from('{}'), 'application/json');
    expect(await repository.find('loose')).toEqual({});
    await expect(repository.remove('loose')).rejects.toThrow(ForeignModelError);
    expect(gcs.names('models', 'repo/loose/')).toEqual(['repo/loose/model.json']);
  });
});
