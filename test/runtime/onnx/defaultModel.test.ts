/** @jest-environment ./test/runtime/onnx/support/ortEnvironment.cjs */
import path from 'node:path';
import { decodeAll, inputOf, loadModels } from '../../../bench/support/modelAgreement';
import { OnnxScorer, compareRuntimes } from '../../../bench/support/onnxAgreement';
import { shippedModelDir } from '../../../src/paths';
import { PHOTOS_DIR, hasSharedData, noticeSkipped } from '../../support/sharedData';

/**
 * The shipped default model (MobileNet V2, inputs in [-1, 1]) converted to ONNX gives TF.js' answer on
 * the real shared photos: same preprocessing (decodeImage + the model's input range), same top-1 label.
 * The full figures over the 500 flowers too: `npm run bench:onnx-agreement`.
 */
const PHOTOS = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png', 'motorcycle_left.png', 'hubble_deep_field.jpg', 'retina.jpg'];

test('default-model/ converted to ONNX agrees with TF.js on the shared photos', async () => {
  if (!hasSharedData) return noticeSkipped('the ONNX / TF.js agreement test on real photos');
  const [tfjs] = await loadModels([shippedModelDir()]);
  const onnx = await OnnxScorer.load(shippedModelDir(), tfjs);
  try {
    const images = await decodeAll(
      PHOTOS.map((file) => path.join(PHOTOS_DIR, file)),
      inputOf(tfjs),
    );
    const figures = await compareRuntimes(tfjs, onnx, images);
    console.info(
      `default-model ONNX vs TF.js on ${figures.images} photos: top-1 agreement ${100 * figures.top1Agreement}%, largest score difference ${figures.maxScoreDiff.toExponential(2)}`,
    );
    expect(figures.disagreements).toEqual([]);
    expect(figures.maxScoreDiff).toBeLessThan(1e-4);
    // What the shared README says the model sees in two of them.
    const top = async (file: string) => tfjs.spec.labels[argmaxOf(await onnx.predict(images[PHOTOS.indexOf(file)].pixels, 1))];
    expect(await top('chelsea.png')).toBe('Egyptian cat');
    expect(await top('coffee.png')).toBe('espresso');
  } finally {
    tfjs.dispose();
    await onnx.release();
  }
});

const argmaxOf = (scores: Float32Array) => scores.reduce((best, v, i) => (v > scores[best] ? i : best), 0);
