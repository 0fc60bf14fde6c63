import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../scripts/model-download';
import { MODEL_CATALOGUE } from '../../src/models/modelCatalogue';
import { DownloadError, digestOfFolder, downloadModel, folderDigest } from '../../src/models/modelDownload';
import { readModelSpec } from '../../src/models/modelFolder';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend } from '../../src/models/tfBackend';
import { TINY_LABELS, writeTinyGraphModel } from './support/tinyModel';

/** A loopback "model hub" serving a folder; like TF Hub it insists on ?tfjs-format=file for every file. */
async function serveFolder(dir: string) {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    requests.push(req.url!);
    const url = new URL(req.url!, 'http://hub');
    if (!url.pathname.startsWith('/hub/') || url.searchParams.get('tfjs-format') !== 'file') return void res.writeHead(404).end();
    try {
      res.end(await fs.readFile(path.join(dir, decodeURIComponent(url.pathname.slice('/hub/'.length)))));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
  return { base, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('model download', () => {
  let root: string;
  let published: string;
  let hub: Awaited<ReturnType<typeof serveFolder>>;
  let digest: string;
  let labelsUrl: string;
  const labelsText = `background\n${TINY_LABELS.join('\n')}\n`;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'download-'));
    published = await writeTinyGraphModel(path.join(root, 'published'));
    await fs.writeFile(path.join(published, 'labels-with-background.txt'), labelsText);
    digest = await digestOfFolder(published);
    hub = await serveFolder(published);
    labelsUrl = `${hub.base}/labels-with-background.txt?tfjs-format=file`;
  });
  afterAll(async () => {
    await hub.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  const request = (overrides: Partial<Parameters<typeof downloadModel>[0]> = {}) => ({
    name: 'hubmodel',
    modelsDir: path.join(root, 'models'),
    model: { url: `${hub.base}/model.json?tfjs-format=file`, sha256: digest },
    labels: { url: labelsUrl, sha256: null, dropFirst: 1 },
    preprocessing: { inputSize: 16, inputRange: [0, 1] as [number, number], labelOffset: 1, outputs: 'logits' as const },
    allowUnverified: true,
    ...overrides,
  });

  test('the digest is sha256sum of model.json and the shards in manifest order, hashed again', async () => {
    const files = await Promise.all(
      ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'].map(async (name) => ({ name, bytes: await fs.readFile(path.join(published, name)) })),
    );
    expect(digest).toBe(folderDigest(files));
    expect(digest).not.toBe(folderDigest([files[0], files[2], files[1]]));
  });

  test('fetches, verifies and writes a folder the runtime loads and classifies with', async () => {
    const lines: string[] = [];
    const result = await downloadModel(request({ log: (line) => lines.push(line) }));
    expect(result).toMatchObject({ digest, verified: false, files: ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin', 'metadata.json'] });
    expect(hub.requests).toEqual(expect.arrayContaining(['/hub/model.json?tfjs-format=file', '/hub/group1-shard1of2.bin?tfjs-format=file']));
    expect(lines.join('\n')).toContain(`model digest ${digest}`);
    const spec = await readModelSpec(result.dir);
    expect(spec).toMatchObject({ labels: TINY_LABELS, inputSize: 16, inputRange: [0, 1], labelOffset: 1, outputs: 'logits' });
    const metadata = JSON.parse(await fs.readFile(path.join(result.dir, 'metadata.json'), 'utf8'));
    expect(metadata.source).toMatchObject({ digest, verified: false, labels: labelsUrl });
    const { tf } = await initBackend();
    const model = await LoadedModel.load(tf, result.dir);
    const blue = new Uint8Array(16 * 16 * 3).map((_, i) => (i % 3 === 2 ? 255 : 0));
    const scores = model.predict(blue, 1);
    expect(scores.indexOf(Math.max(...scores))).toBe(TINY_LABELS.indexOf('blue'));
    model.dispose();
  });

  test('a shard that does not match the pinned digest is refused and nothing is written', async () => {
    const shard = path.join(published, 'group1-shard2of2.bin');
    const original = await fs.readFile(shard);
    await fs.writeFile(shard, Buffer.concat([original.subarray(0, original.length - 1), Buffer.from([original[original.length - 1] ^ 1])]));
    try {
      await expect(downloadModel(request({ name: 'tampered' }))).rejects.toThrow(/sha256 mismatch.*nothing was written/);
    } finally {
      await fs.writeFile(shard, original);
    }
    expect(await fs.readdir(path.join(root, 'models'))).not.toContain('tampered');
    expect((await fs.readdir(path.join(root, 'models'))).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('a labels file that does not match its sha256 is refused', async () => {
    await expect(downloadModel(request({ name: 'badlabels', labels: { url: labelsUrl, sha256: '0'.repeat(64) } }))).rejects.toThrow(/labels sha256 mismatch/);
  });

  test('an unpinned file is refused unless --allow-unverified', async () => {
    await expect(downloadModel(request({ name: 'unpinned', allowUnverified: false }))).rejects.toThrow(/no sha256 is pinned for the labels/);
    await expect(
      downloadModel(request({ name: 'unpinned', allowUnverified: false, model: { url: `${hub.base}/model.json?tfjs-format=file`, sha256: null } })),
    ).rejects.toThrow(/no sha256 is pinned for the model/);
  });

  test('shard paths that are not plain file names are refused', async () => {
    const evil = path.join(root, 'evil');
    await fs.cp(published, evil, { recursive: true });
    const modelJson = JSON.parse(await fs.readFile(path.join(evil, 'model.json'), 'utf8'));
    modelJson.weightsManifest[0].paths[0] = '../../etc/passwd';
    await fs.writeFile(path.join(evil, 'model.json'), JSON.stringify(modelJson));
    const evilHub = await serveFolder(evil);
    await expect(downloadModel(request({ name: 'evil', model: { url: `${evilHub.base}/model.json?tfjs-format=file`, sha256: null } }))).rejects.toThrow(
      DownloadError,
    );
    await evilHub.close();
  });

  test('an existing folder is kept unless --force', async () => {
    await expect(downloadModel(request())).rejects.toThrow(/already exists/);
    await expect(downloadModel(request({ force: true }))).resolves.toMatchObject({ digest });
  });

  describe('command line', () => {
    test('--url/--sha256 downloads a custom model; --digest prints a folder’s digest', async () => {
      const out: string[] = [];
      const dir = path.join(root, 'cli-models');
      const code = await main(
        ['--url', `${hub.base}/model.json?tfjs-format=file`, '--sha256', digest, '--name', 'custom', '--labels-url', labelsUrl,
          '--labels-drop-first', '1', '--label-offset', '1', '--outputs', 'logits', '--input-size', '16', '--input-range', '0,1',
          '--allow-unverified', '--dir', dir],
        (line) => out.push(line),
      );
      expect({ code, out: out.join('\n') }).toMatchObject({ code: 0, out: expect.stringContaining('wrote') });
      out.length = 0;
      expect(await main(['--digest', path.join(dir, 'custom')], (line) => out.push(line))).toBe(0);
      expect(out).toEqual([digest]);
    });

    test('a catalogue name without a pinned digest is refused offline, before any fetch', async () => {
      const out: string[] = [];
      expect(await main(['mobilenet_v2_1.0_224', '--dir', path.join(root, 'cli-models')], (line) => out.push(line))).toBe(1);
      expect(out.join('\n')).toMatch(/no sha256 is pinned.*--allow-unverified/);
    });

    test('--list shows the catalogue; an unknown name prints the usage', async () => {
      const out: string[] = [];
      expect(await main(['--list'], (line) => out.push(line))).toBe(0);
      expect(out).toHaveLength(Object.keys(MODEL_CATALOGUE).length);
      expect(await main(['no-such-model'], (line) => out.push(line))).toBe(2);
      expect(out.at(-1)).toMatch(/Unknown model "no-such-model"/);
    });
  });
});
