import fs from 'node:fs';
import path from 'node:path';
import { GATEWAY_MARKER_FILE, writeGatewayMarker } from '../../../src/models/gatewayMarker';
import { FolderRepository } from '../../../src/models/repository/FolderRepository';
import { ForeignModelError } from '../../../src/models/repository/foreignModel';
import { temporaryDir } from '../../training/support/images';
import { writeTinyModel } from '../support/tinyModel';

/** The folder model repository's layout rules: versions appear whole, numbers never collide, foreign folders stay. */
describe('FolderRepository', () => {
  const root = temporaryDir('folder-repository-');
  const repository = new FolderRepository(path.join(root, 'repo'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  async function staged(name: string): Promise<string> {
    const dir = await writeTinyModel(path.join(root, 'staging', name));
    await writeGatewayMarker(dir, { owner: 'key:alice' });
    return dir;
  }

  it('publishes concurrent writes as distinct versions, keeps the newest two, and scans the newest', async () => {
    const published = await Promise.all([1, 2, 3].map(async (n) => repository.publish('colours', await staged(`c${n}`))));
    expect(published.map((model) => model.version).sort()).toEqual([1, 2, 3]);
    expect(fs.readdirSync(path.join(repository.root, 'colours')).sort()).toEqual(['2', '3']);
    expect(await repository.scan()).toEqual([{ id: 'colours', version: 3 }]);
    expect(await repository.find('colours')).toMatchObject({ marker: { owner: 'key:alice' } });
  });

  it('serves a folder without versions as version null, and never replaces or removes one the gateway did not write', async () => {
    await writeTinyModel(path.join(repository.root, 'downloaded'));
    expect(await repository.scan()).toContainEqual({ id: 'downloaded', version: null });
    await expect(repository.publish('downloaded', await staged('d1'))).rejects.toThrow(ForeignModelError);
    await expect(repository.remove('downloaded')).rejects.toThrow(ForeignModelError);
    expect(fs.existsSync(path.join(repository.root, 'downloaded', 'model.json'))).toBe(true);
    expect(fs.existsSync(path.join(repository.root, 'downloaded', GATEWAY_MARKER_FILE))).toBe(false);
  });

  it('ignores half-written folders (dot names, a version without model files) and removes a model in one step', async () => {
    fs.mkdirSync(path.join(repository.root, 'colours', '9'), { recursive: true });
    fs.mkdirSync(path.join(repository.root, '.staging', 'job'), { recursive: true });
    expect((await repository.scan()).find((model) => model.id === 'colours')).toEqual({ id: 'colours', version: 3 });
    fs.rmdirSync(path.join(repository.root, 'colours', '9'));
    expect(await repository.remove('colours')).toBe(true);
    expect(fs.existsSync(path.join(repository.root, 'colours'))).toBe(false);
    expect(await repository.remove('colours')).toBe(false);
  });
});
