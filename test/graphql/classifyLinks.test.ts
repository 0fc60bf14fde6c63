import os from 'node:os';
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { VisionFake } from '../fakes/vision/VisionFake';
import { solidPng } from '../models/support/images';
import { writeTinyModel } from '../models/support/tinyModel';
import { postMultipart } from '../support/multipart';
import { startGateway, type RunningGateway } from '../support/startGateway';

// The query of the README and the playground: an upload leads to Open Images images of the same things.
const CLASSIFY_TO_IMAGES = `mutation($files: [Upload!]!) {
  classify(files: $files, maxResults: 3, minConfidence: 0) {
    filename
    labels { name score class { description imageCount images(first: 5) { edges { node { id url } } } } }
  }
}`;

describe('classify -> Open Images classes -> their images, in one request', () => {
  let root: string;
  let vision: VisionFake;
  let gw: RunningGateway;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'classify-links-'));
    // A tiny model whose three outputs carry ImageNet label names; the gateway serves the demo data.
    const modelDir = await writeTinyModel(path.join(root, 'imagenet-names'), {
      labels: ['tabby, tabby cat', 'espresso', 'Boston bull, Boston terrier'],
    });
    vision = await VisionFake.start();
    gw = await startGateway({ MODEL_DIR: modelDir, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1', VISION_API_ENDPOINT: vision.endpoint });
  });
  afterAll(async () => {
    await gw?.close();
    await vision?.stop();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('links each label through WordNet and pages every class images with one store query for all', async () => {
    const files = [
      { filename: 'red.png', bytes: await solidPng('#ff0000'), type: 'image/png' },
      { filename: 'blue.png', bytes: await solidPng('#0000ff'), type: 'image/png' },
    ];
    const before = await gw.backendQueries();
    const { body } = await postMultipart(gw.url, CLASSIFY_TO_IMAGES, files);
    const queries = (await gw.backendQueries()) - before;
    expect(body.errors).toBeUndefined();
    const results = body.data.classify;
    expect(results).toHaveLength(2);
    for (const result of results) {
      const byName = Object.fromEntries(result.labels.map((l: any) => [l.name, l.class]));
      expect(byName['tabby, tabby cat']).toMatchObject({ description: 'Cat', imageCount: expect.any(Number) });
      expect(byName['espresso']).toMatchObject({ description: 'Coffee' });
      expect(byName['Boston bull, Boston terrier']).toMatchObject({ description: 'Dog' });
      for (const label of result.labels) {
        const edges = label.class.images.edges;
        expect(edges.length).toBe(Math.min(5, label.class.imageCount));
        expect(edges.length).toBeGreaterThan(0);
        expect(edges[0].node.url).toContain(edges[0].node.id);
      }
    }
    // Six labels, three classes: their image pages come from one batched store query, none per label.
    expect(queries).toBe(1);
  });

  it('links a Vision label that comes without a mid by its name', async () => {
    const image = await solidPng('#123456');
    vision.answerFor(image, { labels: [{ description: 'Tabby cat', score: 0.9 } as any, { description: 'Sky', score: 0.5 } as any] });
    const { body } = await postMultipart(gw.url, `mutation($files: [Upload!]!) { labelDetection(files: $files) { labels { name mid class { description } } } }`, [
      { filename: 'tabby.png', bytes: image, type: 'image/png' },
    ]);
    expect(body.errors).toBeUndefined();
    expect(body.data.labelDetection[0].labels).toEqual([
      { name: 'Tabby cat', mid: null, class: { description: 'Cat' } },
      { name: 'Sky', mid: null, class: null },
    ]);
  });
});
