import { promises as fs } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/paths';
import { CliFailure, existingDir, numberOption, runCli } from '../scripts/support/cli';
import { MEASURED_END, MEASURED_START } from '../scripts/derive-default-model.constants';
import { argmax, compareModels, decodeAll, inputOf, loadModels, type AgreementFigures } from './support/modelAgreement';
import type { LoadedModel } from '../src/models/loadedModel';
import type { Crop } from '../src/models/modelFolder';

const SHARED = path.resolve(projectRoot(), '..', 'shared');
const USAGE = `Usage: npm run bench:default-model -- [--original <dir>] [--compact <dir>] [--flowers N] [--update-provenance]

Proves the shipped default model (default-model/, float16 weights) is the float32 original, in one run:
  1. both models on the 8 shared photos and the flower photos (--flowers per class, default all 100 of
     each of the 5 classes), one image per predict, taking turns: top-1 agreement (target >= 99%), the
     largest score difference, and each model's predict time (the compact one must not be slower);
  2. the central crop (0.875, TF-Slim's ImageNet evaluation) against the whole image, on the original:
     on the 5 shared photos of known content, how often the top-1 label is one that names it and the mean
     score of those labels; on the daisy photos, how often "daisy" is top-1.
  --original            default ../shared/models/mobilenet_v2_1.0_224
  --compact             default default-model/
  --update-provenance   write the figures into the compact folder's PROVENANCE.md`;

/** ImageNet labels (first synonym) that name what each shared photo shows; astronaut and the two abstract photos have none. */
const KNOWN_CONTENT: Record<string, string[]> = {
  'chelsea.png': ['Egyptian cat', 'tabby', 'tiger cat'],
  'coffee.png': ['espresso', 'cup', 'coffee mug'],
  'rocket.jpg': ['missile', 'projectile', 'space shuttle'],
  'camera.png': ['tripod', 'reflex camera', 'Polaroid camera'],
  'motorcycle_left.png': ['moped', 'motor scooter'],
};
const PHOTOS = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png', 'motorcycle_left.png', 'hubble_deep_field.jpg', 'retina.jpg'];
const FLOWER_CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];

runCli(
  {
    usage: USAGE,
    options: {
      original: { type: 'string' },
      compact: { type: 'string' },
      flowers: { type: 'string' },
      'update-provenance': { type: 'boolean' },
    },
  },
  async ({ values }) => {
    const originalDir = existingDir('--original', values.original ?? path.join(SHARED, 'models', 'mobilenet_v2_1.0_224'));
    const compactDir = existingDir('--compact', values.compact ?? path.join(projectRoot(), 'default-model'));
    const perClass = numberOption('--flowers', values.flowers, { min: 0, max: 100, integer: true }) ?? 100;
    const photosDir = path.join(SHARED, 'data', 'photos');
    const flowersDir = path.join(SHARED, 'data', 'flowers');
    for (const dir of [photosDir, flowersDir]) {
      if (!(await fs.stat(dir).catch(() => undefined))) throw new CliFailure(`${dir} is missing: this benchmark needs ../shared beside the project`);
    }
    const photos = PHOTOS.map((file) => path.join(photosDir, file));
    const flowers: string[] = [];
    for (const name of FLOWER_CLASSES) {
      const files = (await fs.readdir(path.join(flowersDir, name)))
        .filter((file) => /\.jpe?g$/i.test(file))
        .sort()
        .slice(0, perClass);
      flowers.push(...files.map((file) => path.join(flowersDir, name, file)));
    }

    const [original, compact] = await loadModels([originalDir, compactDir]);
    const sizes = await Promise.all([originalDir, compactDir].map(weightBytes));
    console.log(`original ${originalDir}: ${(sizes[0] / 2 ** 20).toFixed(1)} MiB of weights; compact ${compactDir}: ${(sizes[1] / 2 ** 20).toFixed(1)} MiB`);
    const input = inputOf(compact);
    const images = [...(await decodeAll(photos, input)), ...(await decodeAll(flowers, input))];
    // Warm up both (first predicts compile kernels and allocate).
    compareModels(original, compact, images.slice(0, 2));
    const figures = compareModels(original, compact, images);
    const photoFigures = compareModels(original, compact, images.slice(0, photos.length));
    const lines = [
      `- ${figures.images} images (the ${photos.length} shared photos + ${flowers.length} flower photos), one per predict, wasm backend, one thread, both models in the same run taking turns:`,
      `  top-1 agreement ${(100 * figures.top1Agreement).toFixed(2)}% (${figures.images - figures.disagreements.length}/${figures.images}; shared photos ${photoFigures.images - photoFigures.disagreements.length}/${photoFigures.images})` +
        (figures.disagreements.length ? `; differing: ${figures.disagreements.map((d) => `${d.file} ${d.original} -> ${d.compact}`).join('; ')}` : ''),
      `  largest score difference over all 1000 labels ${figures.maxScoreDiff.toExponential(2)}, of the top-1 score ${figures.maxTop1ScoreDiff.toExponential(2)}`,
      `  predict time per image: original ${ms(figures.originalPredictMs)}, compact ${ms(figures.compactPredictMs)} ` +
        `(compact / original = ${(figures.compactPredictMs.mean / figures.originalPredictMs.mean).toFixed(3)})`,
      `- weights on disk: original ${(sizes[0] / 2 ** 20).toFixed(1)} MiB (float32), compact ${(sizes[1] / 2 ** 20).toFixed(1)} MiB (float16 kernels)`,
      ...(await cropExperiment(
        original,
        photos,
        flowers.filter((file) => path.basename(path.dirname(file)) === 'daisy'),
      )),
    ];
    const verdicts = [
      `top-1 agreement >= 99%: ${figures.top1Agreement >= 0.99 ? 'PASS' : 'FAIL'}`,
      `compact not slower (mean within 5%): ${figures.compactPredictMs.mean <= figures.originalPredictMs.mean * 1.05 ? 'PASS' : 'FAIL'}`,
    ];
    console.log([...lines, ...verdicts.map((line) => `- ${line}`)].join('\n'));
    if (values['update-provenance']) await updateProvenance(compactDir, [...lines, `- measured with \`npm run bench:default-model\` on ${new Date().toISOString().slice(0, 10)}`]);
    return figures.top1Agreement >= 0.99 ? 0 : 1;
  },
);

async function cropExperiment(model: LoadedModel, photos: string[], daisies: string[]): Promise<string[]> {
  const labels = model.spec.labels.map((label) => label.split(',')[0].trim());
  const known = photos.filter((file) => KNOWN_CONTENT[path.basename(file)]);
  const rows: string[] = [];
  const crops: [string, Crop | undefined][] = [
    ['whole image (stretched)', undefined],
    ['central crop 0.875', { kind: 'center', fraction: 0.875 }],
  ];
  for (const [name, crop] of crops) {
    let hits = 0;
    let mass = 0;
    for (const { file, pixels } of await decodeAll(known, inputOf(model, crop))) {
      const accepted = new Set(KNOWN_CONTENT[path.basename(file)]);
      const scores = model.predict(pixels, 1);
      if (accepted.has(labels[argmax(scores)])) hits++;
      labels.forEach((label, k) => accepted.has(label) && (mass += scores[k]));
    }
    let daisyTop1 = 0;
    for (const { pixels } of await decodeAll(daisies, inputOf(model, crop))) if (labels[argmax(model.predict(pixels, 1))] === 'daisy') daisyTop1++;
    rows.push(
      `  ${name}: shared photos of known content top-1 right ${hits}/${known.length}, mean score of the right labels ${(mass / known.length).toFixed(3)}; ` +
        `daisy photos with "daisy" top-1 ${daisyTop1}/${daisies.length}`,
    );
  }
  return ['- preprocessing, original model:', ...rows];
}

async function updateProvenance(dir: string, lines: string[]): Promise<void> {
  const file = path.join(dir, 'PROVENANCE.md');
  const text = await fs.readFile(file, 'utf8');
  const start = text.indexOf(MEASURED_START);
  const end = text.indexOf(MEASURED_END);
  if (start < 0 || end < 0) throw new CliFailure(`${file} has no ${MEASURED_START} ... ${MEASURED_END} block`);
  await fs.writeFile(file, text.slice(0, start) + [MEASURED_START, ...lines, MEASURED_END].join('\n') + text.slice(end + MEASURED_END.length));
  console.log(`updated ${file}`);
}

async function weightBytes(dir: string): Promise<number> {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')).weightsManifest as { paths: string[] }[];
  const stats = await Promise.all(manifest.flatMap((group) => group.paths).map((name) => fs.stat(path.join(dir, name))));
  return stats.reduce((sum, stat) => sum + stat.size, 0);
}

const ms = (t: AgreementFigures['originalPredictMs']) => `${t.mean.toFixed(1)} ms mean / ${t.p50.toFixed(1)} ms p50`;
