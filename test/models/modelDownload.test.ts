import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../scripts/model-download';
import { MODEL_CATALOGUE } from '../../src/models/modelCatalogue';
import { DownloadError, describeFetchFailure, digestOfFolder, downloadModel, folderDigest } from '../../src/models/modelDownload';
import { readModelSpec } from '../../src/models/modelFolder';
import { LoadedModel } from '../../src/models/loadedModel';
import { initBackend } from '../../src/models/tfBackend';
import { TINY_LABELS, writeTinyGraphModel } from './support/tinyModel';

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

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
    allowUnpinned: true,
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

  test('an unpinned file is refused unless --allow-unpinned', async () => {
    await expect(downloadModel(request({ name: 'unpinned', allowUnpinned: false }))).rejects.toThrow(/no sha256 is pinned for the labels/);
    await expect(downloadModel(request({ name: 'unpinned', allowUnpinned: false, model: { url: `${hub.base}/model.json?tfjs-format=file`, sha256: null } }))).rejects.toThrow(
      /no sha256 is pinned for the model/,
    );
  });

  test('shard paths that are not plain file names are refused', async () => {
    const evil = path.join(root, 'evil');
    await fs.cp(published, evil, { recursive: true });
    const modelJson = JSON.parse(await fs.readFile(path.join(evil, 'model.json'), 'utf8'));
    modelJson.weightsManifest[0].paths[0] = '../../etc/passwd';
    await fs.writeFile(path.join(evil, 'model.json'), JSON.stringify(modelJson));
    const evilHub = await serveFolder(evil);
    await expect(downloadModel(request({ name: 'evil', model: { url: `${evilHub.base}/model.json?tfjs-format=file`, sha256: null } }))).rejects.toThrow(DownloadError);
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
        [
          '--url',
          `${hub.base}/model.json?tfjs-format=file`,
          '--sha256',
          digest,
          '--name',
          'custom',
          '--labels-url',
          labelsUrl,
          '--labels-drop-first',
          '1',
          '--label-offset',
          '1',
          '--outputs',
          'logits',
          '--input-size',
          '16',
          '--input-range',
          '0,1',
          '--allow-unpinned',
          '--dir',
          dir,
        ],
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
      expect(out.join('\n')).toMatch(/no sha256 is pinned.*--allow-unpinned/);
    });

    test('--list shows the catalogue; an unknown name prints the usage', async () => {
      const out: string[] = [];
      expect(await main(['--list'], (line) => out.push(line))).toBe(0);
      expect(out).toHaveLength(Object.keys(MODEL_CATALOGUE).length);
      expect(await main(['no-such-model'], (line) => out.push(line))).toBe(2);
      expect(out.at(-1)).toMatch(/^error: unknown model "no-such-model"; --list shows the catalogue\n\nUsage:/);
    });

    test('--help documents every flag', async () => {
      const out: string[] = [];
      expect(await main(['--help'], (line) => out.push(line))).toBe(0);
      const flags = [
        '--list',
        '--digest',
        '--url',
        '--sha256',
        '--name',
        '--labels-url',
        '--labels-sha256',
        '--labels-drop-first',
        '--input-size',
        '--input-range',
        '--label-offset',
        '--outputs',
        '--dir',
        '--force',
        '--allow-unpinned',
        '--timeout',
        '--help',
      ];
      for (const flag of flags) expect(out.join('\n')).toMatch(new RegExp(`^  ${flag}\\b`, 'm'));
      expect(await main(['--bogus'], (line) => out.push(line))).toBe(2);
      expect(out.at(-1)).toMatch(/^error: unknown option --bogus/);
    });

    test('--url --sha256 --name without --labels-url takes the labels from beside model.json', async () => {
      // dict.txt (AutoML Edge) beside the model; the folder keeps it under its name.
      const automl = path.join(root, 'automl-published');
      await fs.cp(published, automl, { recursive: true });
      await fs.rm(path.join(automl, 'labels.txt'));
      await fs.rm(path.join(automl, 'metadata.json'));
      await fs.writeFile(path.join(automl, 'dict.txt'), ['background', ...TINY_LABELS].join('\n'));
      const automlHub = await serveFolder(automl);
      const out: string[] = [];
      const dir = path.join(root, 'beside-models');
      const dictSha256 = sha256Of(await fs.readFile(path.join(automl, 'dict.txt')));
      try {
        const code = await main(
          [
            '--url',
            `${automlHub.base}/model.json?tfjs-format=file`,
            '--sha256',
            digest,
            '--name',
            'automl',
            '--dir',
            dir,
            '--labels-sha256',
            dictSha256,
            '--label-offset',
            '0',
            '--outputs',
            'logits',
          ],
          (line) => out.push(line),
        );
        expect({ code, out: out.join('\n') }).toMatchObject({ code: 0, out: expect.stringMatching(/labels from .*dict\.txt/) });
        expect((await fs.readdir(path.join(dir, 'automl'))).sort()).toEqual(['dict.txt', 'group1-shard1of2.bin', 'group1-shard2of2.bin', 'metadata.json', 'model.json']);
        expect(await readModelSpec(path.join(dir, 'automl'))).toMatchObject({ labels: ['background', ...TINY_LABELS], crop: { kind: 'square' }, outputs: 'logits' });
      } finally {
        await automlHub.close();
      }
      // metadata.json with labels (Teachable Machine style) beside the model: kept, with the source added.
      await fs.writeFile(path.join(automl, 'metadata.json'), JSON.stringify({ packageName: '@teachablemachine/image', labels: TINY_LABELS, imageSize: 16 }));
      const tmHub = await serveFolder(automl);
      const tmSha256 = sha256Of(await fs.readFile(path.join(automl, 'metadata.json')));
      try {
        const code = await main(
          ['--url', `${tmHub.base}/model.json?tfjs-format=file`, '--sha256', digest, '--name', 'tm', '--dir', dir, '--labels-sha256', tmSha256, '--label-offset', '1'],
          (line) => out.push(line),
        );
        expect(code).toBe(0);
        expect(await readModelSpec(path.join(dir, 'tm'))).toMatchObject({ labels: TINY_LABELS, inputSize: 16, crop: { kind: 'square' }, labelOffset: 1 });
        expect(JSON.parse(await fs.readFile(path.join(dir, 'tm', 'metadata.json'), 'utf8')).source).toMatchObject({ digest, labels: expect.stringContaining('metadata.json') });
      } finally {
        await tmHub.close();
      }
      // Nothing beside it: a clear error naming what was tried.
      await fs.rm(path.join(automl, 'metadata.json'));
      await fs.rm(path.join(automl, 'dict.txt'));
      const bareHub = await serveFolder(automl);
      try {
        out.length = 0;
        expect(
          await main(['--url', `${bareHub.base}/model.json?tfjs-format=file`, '--sha256', digest, '--name', 'bare', '--dir', dir, '--allow-unpinned'], (line) => out.push(line)),
        ).toBe(1);
        expect(out.at(-1)).toMatch(/^error: no labels: --labels-url was not given and none of metadata\.json, dict\.txt, labels\.txt .*HTTP 404/);
      } finally {
        await bareHub.close();
      }
    });
  });

  describe('labels beside model.json are pinned like the model', () => {
    let besideHub: Awaited<ReturnType<typeof serveFolder>>;
    let labelsSha256: string;
    beforeAll(async () => {
      const beside = path.join(root, 'beside-published');
      await fs.cp(published, beside, { recursive: true });
      await fs.rm(path.join(beside, 'metadata.json'), { force: true });
      await fs.writeFile(path.join(beside, 'labels.txt'), TINY_LABELS.join('\n'));
      labelsSha256 = sha256Of(await fs.readFile(path.join(beside, 'labels.txt')));
      besideHub = await serveFolder(beside);
    });
    afterAll(() => besideHub.close());
    const beside = (overrides: Partial<Parameters<typeof downloadModel>[0]>) =>
      request({ labels: undefined, allowUnpinned: false, model: { url: `${besideHub.base}/model.json?tfjs-format=file`, sha256: digest }, ...overrides });

    test('without a pin they are refused before anything is fetched', async () => {
      await expect(downloadModel(beside({ name: 'beside-unpinned' }))).rejects.toThrow(/no sha256 is pinned for the labels beside model\.json.*--labels-sha256/);
      expect(besideHub.requests).toEqual([]);
    });

    test('a labels file that does not match its pin is refused and nothing is left in MODELS_DIR', async () => {
      const modelsDir = path.join(root, 'beside-mismatch');
      await expect(downloadModel(beside({ name: 'beside-bad', modelsDir, labelsSha256: '0'.repeat(64) }))).rejects.toThrow(/labels sha256 mismatch.*nothing was written/);
      expect(await fs.readdir(modelsDir).catch(() => [])).toEqual([]);
    });

    test('pinned, every file written is recorded with its sha256 in metadata.json', async () => {
      const result = await downloadModel(beside({ name: 'beside-pinned', labelsSha256 }));
      expect(result.verified).toBe(true);
      const source = JSON.parse(await fs.readFile(path.join(result.dir, 'metadata.json'), 'utf8')).source;
      const written = (await fs.readdir(result.dir)).filter((name) => name !== 'metadata.json').sort();
      expect(Object.keys(source.files).sort()).toEqual(written);
      for (const name of written) expect(source.files[name]).toBe(sha256Of(await fs.readFile(path.join(result.dir, name))));
      expect(source).toMatchObject({ digest, labelsSha256, verified: true });
    });
  });

  describe('network failures name the host and the cause', () => {
    test('a refused connection, an HTTP status and a timeout (loopback)', async () => {
      const closed = http.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      await expect(downloadModel(request({ name: 'refused', model: { url: `http://127.0.0.1:${port}/model.json`, sha256: null } }))).rejects.toThrow(
        `cannot fetch from 127.0.0.1:${port}: the connection was refused (ECONNREFUSED) fetching http://127.0.0.1:${port}/model.json`,
      );
      await expect(downloadModel(request({ name: 'missing', model: { url: `${hub.base}/nothing.json?tfjs-format=file`, sha256: null } }))).rejects.toThrow(
        new RegExp(`cannot fetch from 127\\.0\\.0\\.1:\\d+: HTTP 404 Not Found for ${hub.base}/nothing\\.json`),
      );
      const silent = http.createServer(() => undefined); // never answers
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const silentPort = (silent.address() as AddressInfo).port;
      try {
        await expect(downloadModel(request({ name: 'slow', timeoutMs: 300, model: { url: `http://127.0.0.1:${silentPort}/model.json`, sha256: null } }))).rejects.toThrow(
          `127.0.0.1:${silentPort}: no answer within 0 s (timeout)`,
        );
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    test('a name that does not resolve says ENOTFOUND and the host (as undici reports it)', () => {
      const failure = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND models.example'), { code: 'ENOTFOUND' }) });
      expect(describeFetchFailure('https://models.example/m/model.json', failure, 120_000)).toBe(
        'models.example: the host name does not resolve (ENOTFOUND; offline, or a typo) fetching https://models.example/m/model.json',
      );
    });
  });
});
