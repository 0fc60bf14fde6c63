import path from 'node:path';
import { compareModels, decodeAll, inputOf, loadModels } from '../../bench/support/modelAgreement';
import { shippedModelDir } from '../../src/paths';
import { readModelSpec } from '../../src/models/modelFolder';
import { sharedModel, sharedPath } from './support/sharedAssets';

/** The shipped default model (float16 kernels) against the float32 original it was derived from; the full proof is `npm run bench:default-model`. */
describe('default-model/', () => {
  test('keeps the 1000 labels of the original in the same order, with labelOffset 1', async () => {
    const spec = await readModelSpec(shippedModelDir());
    expect(spec.labels).toHaveLength(1000);
    expect(spec.labels[0]).toBe('tench, Tinca tinca');
    expect(spec.labelOffset).toBe(1);
    const original = sharedModel('mobilenet_v2_1.0_224');
    if (original) expect(spec.labels).toEqual((await readModelSpec(original)).labels);
  });

  test('agrees with the float32 original on the shared photos', async () => {
    const original = sharedModel('mobilenet_v2_1.0_224');
    const photos = sharedPath('data/photos', 'the agreement check on real photos is skipped');
    if (!original || !photos) return;
    const [float32, compact] = await loadModels([original, shippedModelDir()]);
    const files = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png', 'motorcycle_left.png', 'hubble_deep_field.jpg', 'retina.jpg'];
    const images = await decodeAll(
      files.map((file) => path.join(photos, file)),
      inputOf(compact),
    );
    const figures = compareModels(float32, compact, images);
    expect(figures.disagreements).toEqual([]);
    expect(figures.maxScoreDiff).toBeLessThan(0.02);
    float32.dispose();
    compact.dispose();
  });
});
