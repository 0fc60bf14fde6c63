import { promises as fs } from 'node:fs';
import path from 'node:path';
import { projectRoot, shippedModelDir } from '../src/paths';
import { CliFailure, UsageError, existingDir, numberOption, runCli } from '../scripts/support/cli';
import { decodeAll, inputOf, loadModels } from './support/modelAgreement';
import { OnnxScorer, compareRuntimes } from './support/onnxAgreement';

const SHARED = path.resolve(projectRoot(), '..', 'shared');
const USAGE = `usage: npm run bench:onnx-agreement -- [--model <dir>]... [--flowers N] [--json]

Do the TF.js layers models converted to ONNX (src/runtime/onnx/) give what TF.js gives? For each model
(default: the shipped default-model/, ../shared/models/mobilenet_v1_0.25_224 and mobilenet_v1_0.75_224),
converts it, then runs TF.js (wasm, one thread, the gateway's fused path) and ONNX Runtime (one thread:
intraOpNumThreads 1, interOpNumThreads 1) on the same decoded images, one image per call, taking turns:
the 8 shared photos and the shared flowers (--flowers per class, default all 100 of each of 5 classes).
Prints top-1 agreement (target >= 99.5%), the largest score difference over every label of every image,
and ms per image of each runtime in the same run.
  --model    a layers model folder (repeatable; replaces the defaults)
  --flowers  flower photos per class, 0-100 (default 100)
  --json     print the figures as JSON too`;

const PHOTOS = ['chelsea.png', 'coffee.png', 'astronaut.png', 'rocket.jpg', 'camera.png', 'motorcycle_left.png', 'hubble_deep_field.jpg', 'retina.jpg'];
const FLOWER_CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];

runCli({ usage: USAGE, options: { model: { type: 'string', multiple: true }, flowers: { type: 'string' }, json: { type: 'boolean' } } }, async ({ values }) => {
  const dirs = (values.model ?? [shippedModelDir(), path.join(SHARED, 'models', 'mobilenet_v1_0.25_224'), path.join(SHARED, 'models', 'mobilenet_v1_0.75_224')]).map((dir) =>
    existingDir('--model', dir),
  );
  if (dirs.length === 0) throw new UsageError('--model needs a folder');
  const perClass = numberOption('--flowers', values.flowers, { min: 0, max: 100, integer: true }) ?? 100;
  const photosDir = path.join(SHARED, 'data', 'photos');
  const flowersDir = path.join(SHARED, 'data', 'flowers');
  for (const dir of [photosDir, flowersDir]) {
    if (!(await fs.stat(dir).catch(() => undefined))) throw new CliFailure(`${dir} is missing: this benchmark needs ../shared beside the project`);
  }
  const files = PHOTOS.map((file) => path.join(photosDir, file));
  for (const name of FLOWER_CLASSES) {
    const names = (await fs.readdir(path.join(flowersDir, name)))
      .filter((file) => /\.jpe?g$/i.test(file))
      .sort()
      .slice(0, perClass);
    files.push(...names.map((file) => path.join(flowersDir, name, file)));
  }
  const decoded = new Map<string, Awaited<ReturnType<typeof decodeAll>>>();
  const report: Record<string, unknown>[] = [];
  for (const dir of dirs) {
    const [tfjs] = await loadModels([dir]);
    const onnx = await OnnxScorer.load(dir, tfjs);
    const input = inputOf(tfjs);
    const key = JSON.stringify(input);
    if (!decoded.has(key)) decoded.set(key, await decodeAll(files, input));
    const images = decoded.get(key)!;
    // A few calls each first: the first runs of both runtimes pay one-off set-up costs.
    for (const { pixels } of images.slice(0, 3)) {
      tfjs.predict(pixels, 1);
      await onnx.predict(pixels, 1);
    }
    const figures = await compareRuntimes(tfjs, onnx, images);
    const name = path.relative(process.cwd(), dir) || dir;
    console.log(
      `${name}: ${figures.images} images (${PHOTOS.length} photos + ${figures.images - PHOTOS.length} flowers), TF.js ${tfjs.fused ? 'fused ops' : 'predict'} vs ONNX Runtime, one thread each`,
    );
    console.log(
      `  top-1 agreement ${(100 * figures.top1Agreement).toFixed(2)}% (${figures.disagreements.length} differ), largest score difference ${figures.maxScoreDiff.toExponential(2)}`,
    );
    console.log(
      `  ms per image: TF.js ${figures.tfjsMs.mean.toFixed(1)} (p50 ${figures.tfjsMs.p50.toFixed(1)}), ONNX Runtime ${figures.onnxMs.mean.toFixed(2)} (p50 ${figures.onnxMs.p50.toFixed(2)}); conversion ${onnx.convertMs.toFixed(0)} ms`,
    );
    for (const d of figures.disagreements) console.log(`  differs: ${path.basename(d.file)}: TF.js "${d.tfjs}", ONNX "${d.onnx}"`);
    report.push({ model: name, ...figures, convertMs: onnx.convertMs });
    tfjs.dispose();
    await onnx.release();
  }
  if (values.json) console.log(JSON.stringify(report, null, 2));
  const failing = report.filter((r) => (r.top1Agreement as number) < 0.995);
  return failing.length > 0 ? 1 : 0;
});
