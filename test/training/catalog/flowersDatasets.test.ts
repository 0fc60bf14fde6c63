import path from 'node:path';
import { writeApiKeys } from '../../support/identityProvider';
import { FLOWERS_DIR, noticeSkipped } from '../../support/sharedData';
import { startGateway, type RunningGateway } from '../../support/startGateway';
import { testTempDir } from '../../support/tempDirs';
import { FLOWER_CLASSES, hasFlowers } from '../support/images';

const QUERY = `{ trainingDatasets { path kind photoCount classes { label photoCount samples { path thumbnail } } warnings { code message labels } } }`;

/** The shared flowers (500 photos at their original resolution) as the training page lists them; prints the cold and warm query times. */
(hasFlowers ? describe : describe.skip)('trainingDatasets over the shared flowers', () => {
  const base = testTempDir('flower-datasets-');
  let gw: RunningGateway;
  let key: string;

  beforeAll(async () => {
    const apiKeys = writeApiKeys(base, { trainer: ['train'] });
    key = apiKeys.keys.trainer;
    // The shared data folder as the root: flowers/ is a dataset, the Open Images CSVs and photos/ are not.
    gw = await startGateway({ NODE_ENV: 'production', API_KEYS_FILE: apiKeys.file, TRAINING_DATA_ROOT: path.dirname(FLOWERS_DIR), MODELS_DIR: path.join(base, 'models') });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('lists flowers with 5 classes of 100 photos and 3 thumbnails each; the second query is served from the caches', async () => {
    const timed = async () => {
      const started = performance.now();
      const { body } = await gw.graphql(QUERY, undefined, { 'x-api-key': key });
      return { body, ms: performance.now() - started };
    };
    const cold = await timed();
    const warm = await timed();
    expect(cold.body.errors).toBeUndefined();
    const flowers = cold.body.data.trainingDatasets.find((dataset: { path: string }) => dataset.path === 'flowers');
    expect(flowers).toMatchObject({ kind: 'FOLDER', photoCount: 500 });
    expect(flowers.classes.map((entry: { label: string; photoCount: number }) => [entry.label, entry.photoCount])).toEqual(FLOWER_CLASSES.map((label) => [label, 100]));
    for (const entry of flowers.classes) expect(entry.samples).toHaveLength(3);
    // The public flower_photos set holds two pairs of identical sunflower files under different names.
    expect(flowers.warnings).toEqual([{ code: 'DUPLICATES', labels: ['sunflower'], message: expect.stringMatching(/^2 groups of identical photos \(4 files/) }]);
    expect(warm.body).toEqual(cold.body);
    expect(warm.ms).toBeLessThan(cold.ms);
    console.log(
      `trainingDatasets over ../shared/data (flowers: 500 photos, 15 thumbnails): cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms, ${JSON.stringify(cold.body).length} bytes`,
    );
  });
});

if (!hasFlowers) noticeSkipped('trainingDatasets over the shared flowers');
