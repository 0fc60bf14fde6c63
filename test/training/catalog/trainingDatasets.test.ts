import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { datasetCatalogFor } from '../../../src/training/catalog/DatasetCatalog';
import { writeApiKeys } from '../../support/identityProvider';
import { startGateway, type RunningGateway } from '../../support/startGateway';
import { testTempDir } from '../../support/tempDirs';
import { colourImage, type Colour } from '../support/images';

const LISTING = `{ trainingDatasets { path kind photoCount classes { label photoCount } warnings { code message labels } } }`;
const WITH_SAMPLES = `{ trainingDatasets { path classes { label samples { path thumbnail } } } }`;

async function writePhotos(dir: string, colour: Colour, count: number, seed = 1): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, `${i}.jpg`), await colourImage(colour, seed * 100 + i));
}

/** Every string in a GraphQL answer. */
const stringsOf = (value: unknown): string[] => (typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(stringsOf) : []);

/** trainingDatasets lists what trainModel would read under TRAINING_DATA_ROOT, and nothing outside it. */
describe('trainingDatasets', () => {
  const base = testTempDir('datasets-');
  const root = path.join(base, 'data');
  const outside = path.join(base, 'outside');
  let gw: RunningGateway;
  let keys: Record<string, string>;
  const as = (name: string) => ({ 'x-api-key': keys[name] });

  beforeAll(async () => {
    const colours = path.join(root, 'colours');
    await writePhotos(path.join(colours, 'red'), 'red', 11);
    // A large first photo: its thumbnail must come out at most 128 px a side.
    fs.writeFileSync(path.join(colours, 'red', '0.jpg'), await colourImage('red', 7, 'circle', 400));
    await writePhotos(path.join(colours, 'green'), 'green', 12, 2);
    fs.copyFileSync(path.join(colours, 'red', '3.jpg'), path.join(colours, 'green', 'copy-of-red.jpg'));
    await writePhotos(path.join(colours, 'blue'), 'blue', 3, 3);
    // Sorted first among blue's files: a broken sample is skipped, yet counted (training reads it by its name).
    fs.writeFileSync(path.join(colours, 'blue', '0-broken.jpg'), 'not an image');
    // A dataset one level down, and a CSV whose rows point into the colours folder.
    await writePhotos(path.join(root, 'projects', 'shapes', 'red'), 'red', 10, 4);
    await writePhotos(path.join(root, 'projects', 'shapes', 'blue'), 'blue', 10, 5);
    fs.writeFileSync(path.join(root, 'rows.csv'), 'TRAIN,colours/red/1.jpg,red\nTEST,colours/red/2.jpg,red\n,colours/green/1.jpg,green\ncolours/green/2.jpg,green\n');
    // Not datasets: a CSV training refuses, a hidden folder, a single class, a link out of the root, a dataset with a class linked outside.
    fs.writeFileSync(path.join(root, 'notes.csv'), 'name,comment\nalpha,beta\n');
    await writePhotos(path.join(root, '.hidden', 'red'), 'red', 2);
    await writePhotos(path.join(root, '.hidden', 'green'), 'green', 2);
    await writePhotos(path.join(root, 'single', 'red'), 'red', 3);
    await writePhotos(path.join(outside, 'red'), 'red', 3, 6);
    await writePhotos(path.join(outside, 'green'), 'green', 3, 6);
    fs.symlinkSync(outside, path.join(root, 'escape'));
    await writePhotos(path.join(root, 'leaky', 'green'), 'green', 3, 7);
    fs.symlinkSync(path.join(outside, 'red'), path.join(root, 'leaky', 'red'));

    const apiKeys = writeApiKeys(base, { trainer: ['train'], reader: ['read'] });
    keys = apiKeys.keys;
    gw = await startGateway({ NODE_ENV: 'production', API_KEYS_FILE: apiKeys.file, TRAINING_DATA_ROOT: root, MODELS_DIR: path.join(base, 'models') });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('lists folders and CSVs that training accepts, with counts and warnings', async () => {
    const { body } = await gw.graphql(LISTING, undefined, as('trainer'));
    expect(body.errors).toBeUndefined();
    const datasets = body.data.trainingDatasets;
    expect(datasets.map((dataset: { path: string }) => dataset.path)).toEqual(['colours', 'projects/shapes', 'rows.csv']);
    const [colours, shapes, csv] = datasets;
    expect(colours).toMatchObject({
      kind: 'FOLDER',
      photoCount: 28,
      classes: [
        { label: 'blue', photoCount: 4 },
        { label: 'green', photoCount: 13 },
        { label: 'red', photoCount: 11 },
      ],
    });
    expect(colours.warnings.map((warning: { code: string }) => warning.code)).toEqual(['FEW_PHOTOS', 'UNBALANCED', 'DUPLICATES']);
    expect(colours.warnings[0]).toMatchObject({ labels: ['blue'], message: expect.stringContaining('"blue" (4)') });
    expect(colours.warnings[1]).toMatchObject({ labels: ['green', 'blue'] });
    expect(colours.warnings[2]).toMatchObject({ labels: ['green', 'red'], message: expect.stringMatching(/^1 group of identical photos \(2 files.*both TRAIN and TEST/) });
    expect(shapes).toMatchObject({ kind: 'FOLDER', photoCount: 20, warnings: [] });
    expect(csv).toMatchObject({
      kind: 'CSV',
      photoCount: 4,
      classes: [
        { label: 'green', photoCount: 2 },
        { label: 'red', photoCount: 2 },
      ],
    });
    expect(csv.warnings.map((warning: { code: string }) => warning.code)).toEqual(['FEW_PHOTOS']);
    for (const text of stringsOf(body)) {
      expect(text).not.toContain(base);
      expect(text).not.toContain(fs.realpathSync(base));
    }
  });

  it('gives up to 3 samples per class as small JPEG data URLs, skipping a broken file', async () => {
    const { body } = await gw.graphql(WITH_SAMPLES, undefined, as('trainer'));
    expect(body.errors).toBeUndefined();
    const colours = body.data.trainingDatasets[0];
    const samples = Object.fromEntries(colours.classes.map((entry: { label: string; samples: unknown[] }) => [entry.label, entry.samples]));
    expect(samples.blue.map((photo: { path: string }) => photo.path)).toEqual(['colours/blue/0.jpg', 'colours/blue/1.jpg', 'colours/blue/2.jpg']);
    expect(samples.red.map((photo: { path: string }) => photo.path)).toEqual(['colours/red/0.jpg', 'colours/red/1.jpg', 'colours/red/10.jpg']);
    for (const photo of Object.values(samples).flat() as Array<{ thumbnail: string }>) {
      expect(photo.thumbnail).toMatch(/^data:image\/jpeg;base64,/);
      const meta = await sharp(Buffer.from(photo.thumbnail.slice('data:image/jpeg;base64,'.length), 'base64')).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(128);
      expect(meta.exif).toBeUndefined();
    }
    const large = await sharp(Buffer.from(samples.red[0].thumbnail.split(',')[1], 'base64')).metadata();
    expect([large.width, large.height]).toEqual([128, 128]);
    const csvSamples = body.data.trainingDatasets[2].classes[0].samples;
    expect(csvSamples.map((photo: { path: string }) => photo.path)).toEqual(['colours/green/1.jpg', 'colours/green/2.jpg']);
    for (const text of stringsOf(body)) expect(text).not.toContain(base);
  });

  it('sees a change to a dataset on the next query', async () => {
    fs.writeFileSync(path.join(root, 'colours', 'blue', '9.jpg'), await colourImage('blue', 99));
    const { body } = await gw.graphql(LISTING, undefined, as('trainer'));
    expect(body.data.trainingDatasets[0].classes[0]).toEqual({ label: 'blue', photoCount: 5 });
  });

  it('needs the train scope', async () => {
    const { body } = await gw.graphql(LISTING, undefined, as('reader'));
    expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(body.data).toBeNull();
  });

  it('has no catalog without TRAINING_DATA_ROOT (the query answers [])', () => {
    expect(datasetCatalogFor({ trainingDataRoot: undefined } as Parameters<typeof datasetCatalogFor>[0])).toBeUndefined();
  });
});
