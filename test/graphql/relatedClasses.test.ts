import fs from 'node:fs';
import path from 'node:path';
import { solidPng } from '../models/support/images';
import { writeTinyModel } from '../models/support/tinyModel';
import { postMultipart } from '../support/multipart';
import { hasSharedData, noticeSkipped, OPEN_IMAGES_DIR, PHOTOS_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { testTempDir } from '../support/tempDirs';

const CLASSIFY = `mutation($files: [Upload!]!) {
  classify(files: $files, maxResults: 5, minConfidence: 0) {
    filename
    labels { name class { label description imageCount } relatedClasses { label description imageCount } }
  }
}`;

interface ClassAnswer {
  label: string;
  description: string;
  imageCount: number;
}
interface LabelAnswer {
  name: string;
  class: ClassAnswer | null;
  relatedClasses: ClassAnswer[];
}

/** What holds for every label: at most 5 related classes, each with images, never the label's own class. */
function expectRelatedClassesWithImages(labels: LabelAnswer[]) {
  for (const label of labels) {
    expect(label.relatedClasses.length).toBeLessThanOrEqual(5);
    for (const related of label.relatedClasses) {
      expect(related.imageCount).toBeGreaterThan(0);
      expect(related.label).not.toBe(label.class?.label);
    }
  }
}

async function classify(gw: RunningGateway, files: { filename: string; bytes: Buffer }[]) {
  const before = await gw.backendQueries();
  const { body } = await postMultipart(gw.url, CLASSIFY, files);
  expect(body.errors).toBeUndefined();
  return { results: body.data.classify as { filename: string; labels: LabelAnswer[] }[], queries: (await gw.backendQueries()) - before };
}

describe('Label.relatedClasses over HTTP, on the demo data (any clone)', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    const root = testTempDir('related-classes-');
    const model = await writeTinyModel(path.join(root, 'imagenet-names'), { labels: ['espresso', 'coffee mug', 'volcano'] });
    gw = await startGateway({ MODEL_DIR: model, MODELS_DIR: path.join(root, 'none'), INFERENCE_WORKERS: '1' });
  });
  afterAll(() => gw?.close());

  it('offers classes with images beside the linked one, also for a label with no class, with no store query', async () => {
    const { results, queries } = await classify(gw, [{ filename: 'red.png', bytes: await solidPng('#ff0000') }]);
    const byName = Object.fromEntries(results[0].labels.map((label) => [label.name, label]));
    expect(byName['espresso'].class?.description).toBe('Coffee');
    expect(byName['espresso'].relatedClasses[0]).toMatchObject({ description: 'Coffee cup' });
    expect(byName['coffee mug'].class).toBeNull();
    expect(byName['coffee mug'].relatedClasses.map((c) => c.description)).toContain('Bottle');
    expect(byName['volcano']).toMatchObject({ class: null, relatedClasses: [] });
    expectRelatedClassesWithImages(results[0].labels);
    // Image counts come from the catalog in memory: related classes cost no backend query.
    expect(queries).toBe(0);
  });
});

describe('Label.relatedClasses on a real photo with the shipped model', () => {
  if (!fs.existsSync(path.join(PHOTOS_DIR, 'coffee.png'))) {
    noticeSkipped('related classes of a real photo');
    it.skip('needs ../shared/data/photos', () => undefined);
    return;
  }
  let gw: RunningGateway;
  beforeAll(async () => {
    // The shared data when present (Coffee: 0 images, Coffee cup: 23), else the demo data (Coffee: 2, Coffee cup: 4).
    gw = await startGateway({
      DEFAULT_MODEL: 'shipped',
      MODELS_DIR: path.join(testTempDir('related-photo-'), 'none'),
      INFERENCE_WORKERS: '1',
      DATA_DIR: hasSharedData ? OPEN_IMAGES_DIR : undefined,
    });
  });
  afterAll(() => gw?.close());

  it('espresso on coffee.png links to Coffee and offers Coffee cup first; the rocket photo leads to classes with images', async () => {
    const photo = (name: string) => ({ filename: name, bytes: fs.readFileSync(path.join(PHOTOS_DIR, name)) });
    const { results, queries } = await classify(gw, [photo('coffee.png'), photo('rocket.jpg')]);
    const [coffee, rocket] = results;
    const espresso = coffee.labels.find((label) => label.name === 'espresso')!;
    expect(espresso.class?.description).toBe('Coffee');
    expect(espresso.relatedClasses[0]).toMatchObject({ description: 'Coffee cup', imageCount: hasSharedData ? 23 : 4 });
    if (hasSharedData) expect(espresso.class?.imageCount).toBe(0);
    const missile = rocket.labels.find((label) => label.name === 'missile')!;
    expect(missile.class).not.toBeNull();
    if (missile.class!.imageCount === 0) expect(missile.relatedClasses.length).toBeGreaterThan(0);
    expectRelatedClassesWithImages([...coffee.labels, ...rocket.labels]);
    expect(queries).toBe(0);
  });
});
