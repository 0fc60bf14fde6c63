import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/paths';
import { MEASURED_END, MEASURED_START } from './derive-default-model.constants';
import { CliFailure, existingDir, runCli } from './support/cli';
import { encodeFloat16 } from './support/float16';

const USAGE = `Usage: npm run model:derive-default -- [--source <model folder>] [--out <folder>]

Derives the model the gateway ships as its default (default-model/) from the float32 TF.js layers model
  --source   the original (default ../shared/models/mobilenet_v2_1.0_224)
  --out      where to write (default default-model/ in the project)
  --keep-float32 <regex>  weights (by name) left in float32 (default: biases, depthwise kernels, conv_0;
             an empty value stores every weight as float16)
Other weights are stored as float16 through the TF.js weights-manifest quantisation (TF.js turns them back into
float32 at load), in 4 MiB shards; metadata.json (labels in the same order, preprocessing) and LICENSE are
copied, PROVENANCE.md is written. The measured-agreement block of an existing PROVENANCE.md is kept
(npm run bench:default-model -- --update-provenance rewrites it).`;

const SHARD_BYTES = 4 * 1024 * 1024;
/**
 * Weights left in float32: the biases, the depthwise kernels and the first convolution (82k values, 2.4%
 * of the weights). They carry the folded batch norm; keeping them exact cut the largest score difference
 * against the original from 2e-2 to 7e-3 on the first 58 benchmark images for +0.2 MiB.
 */
const KEEP_FLOAT32 = /bias|depthwise|^conv_0\//;

/**
 * Preprocessing written into default-model/metadata.json. No central crop: measured with
 * `npm run bench:default-model`, it did not help on the shared photos (see PROVENANCE.md).
 */
const PREPROCESSING = {};

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

runCli({ usage: USAGE, options: { source: { type: 'string' }, out: { type: 'string' }, 'keep-float32': { type: 'string' } } }, async ({ values }) => {
  const source = existingDir('--source', values.source ?? path.resolve(projectRoot(), '..', 'shared', 'models', 'mobilenet_v2_1.0_224'));
  const out = path.resolve(values.out ?? path.join(projectRoot(), 'default-model'));
  await derive(source, out, values['keep-float32'] !== undefined ? new RegExp(values['keep-float32'] || '^$') : KEEP_FLOAT32);
});

async function derive(source: string, out: string, keepFloat32: RegExp): Promise<void> {
  const modelJsonBytes = await fs.readFile(path.join(source, 'model.json'));
  const modelJson = JSON.parse(modelJsonBytes.toString('utf8'));
  if (modelJson.format !== 'layers-model') throw new CliFailure(`${source}/model.json is not a TF.js layers model`);
  const groups = modelJson.weightsManifest as { paths: string[]; weights: ManifestEntry[] }[];
  const sourceShards: { name: string; bytes: Buffer }[] = [];
  for (const group of groups) for (const name of group.paths) sourceShards.push({ name, bytes: await fs.readFile(path.join(source, name)) });
  const weightData = Buffer.concat(sourceShards.map((shard) => shard.bytes));

  const specs: ManifestEntry[] = [];
  const encoded: Buffer[] = [];
  let offset = 0;
  for (const spec of groups.flatMap((group) => group.weights)) {
    if (spec.dtype !== 'float32' || spec.quantization)
      throw new CliFailure(`weight ${spec.name} is ${spec.dtype}${spec.quantization ? ' (quantised)' : ''}; expected plain float32`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(weightData.buffer.slice(weightData.byteOffset + offset, weightData.byteOffset + offset + count * 4));
    offset += count * 4;
    if (keepFloat32.test(spec.name)) {
      encoded.push(Buffer.from(values.buffer));
      specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32' });
    } else {
      encoded.push(Buffer.from(encodeFloat16(values).buffer));
      specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    }
  }
  if (offset !== weightData.length) throw new CliFailure(`the manifest describes ${offset} bytes but the shards hold ${weightData.length}`);

  const all = Buffer.concat(encoded);
  const shardCount = Math.ceil(all.length / SHARD_BYTES);
  const shardNames = Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`);
  const derived = {
    format: 'layers-model',
    generatedBy: modelJson.generatedBy,
    convertedBy: 'scripts/derive-default-model.ts (float16 weights)',
    modelTopology: modelJson.modelTopology,
    weightsManifest: [{ paths: shardNames, weights: specs }],
  };
  const metadata = { ...JSON.parse(await fs.readFile(path.join(source, 'metadata.json'), 'utf8')), ...PREPROCESSING };

  const previousProvenance = await fs.readFile(path.join(out, 'PROVENANCE.md'), 'utf8').catch(() => '');
  const measured = previousProvenance.includes(MEASURED_START)
    ? previousProvenance.slice(previousProvenance.indexOf(MEASURED_START), previousProvenance.indexOf(MEASURED_END) + MEASURED_END.length)
    : `${MEASURED_START}\n(not measured yet: run \`npm run bench:default-model -- --update-provenance\`)\n${MEASURED_END}`;

  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(out, { recursive: true });
  await fs.writeFile(path.join(out, 'model.json'), JSON.stringify(derived));
  for (let i = 0; i < shardCount; i++) await fs.writeFile(path.join(out, shardNames[i]), all.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  await fs.writeFile(path.join(out, 'metadata.json'), JSON.stringify(metadata, null, 1) + '\n');
  await fs.copyFile(path.join(source, 'LICENSE'), path.join(out, 'LICENSE'));
  await fs.chmod(path.join(out, 'LICENSE'), 0o644);
  const sourceFiles = [{ name: 'model.json', bytes: modelJsonBytes }, ...sourceShards];
  await fs.writeFile(path.join(out, 'PROVENANCE.md'), provenance(source, sourceFiles, weightData.length, all.length, specs, measured));
  console.log(`wrote ${out}: ${specs.length} weights, ${(weightData.length / 2 ** 20).toFixed(1)} MiB float32 -> ${(all.length / 2 ** 20).toFixed(1)} MiB in ${shardCount} shards`);
}

function provenance(source: string, files: { name: string; bytes: Buffer }[], float32Bytes: number, float16Bytes: number, specs: ManifestEntry[], measured: string): string {
  const weights = specs.length;
  const halved = specs.filter((spec) => spec.quantization).length;
  const keptValues = specs.filter((spec) => !spec.quantization).reduce((sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1), 0);
  const digests = files.map((file) => `  - \`${file.name}\` sha256 \`${createHash('sha256').update(file.bytes).digest('hex')}\``).join('\n');
  return `# Default model: MobileNet V2 1.0 224 (ImageNet), float16 kernels

The model the gateway serves when \`MODEL_DIR\` is unset (model id \`mobilenet_v2_1.0_224\`).

- Source: \`../shared/models/${path.basename(source)}/\` (TF.js layers model, float32), itself Google's TF2
  MobileNetV2 trained on ImageNet (\`tf2_mobilenet_v2_1.0_224_ptq.tflite\` from google-coral/test_data, int8
  post-training-quantised weights dequantised to float32; see that folder's PROVENANCE.md). Licence: Apache-2.0
  (LICENSE here, copied from the source folder). Source files:
${digests}
- Conversion (\`npm run model:derive-default\`, scripts/derive-default-model.ts): the same layers topology; ${halved} of
  the ${weights} weight tensors (the kernels, but the depthwise ones and the first convolution's) rounded to IEEE float16 (nearest, ties to even) and stored through the TF.js
  weights-manifest quantisation (\`"dtype": "float32", "quantization": {"dtype": "float16"}\`), which TF.js 4.22
  (\`io.decodeWeights\`) turns back into float32 tensors at load: inference runs in float32 as before.
  The biases, depthwise kernels and the first convolution (${keptValues} values) stay float32: they carry the
  folded batch norm, and keeping them halved the largest score difference for +0.2 MiB.
  Weights: ${(float32Bytes / 2 ** 20).toFixed(1)} MiB float32 -> ${(float16Bytes / 2 ** 20).toFixed(1)} MiB.
- \`metadata.json\`: the source's, unchanged (the 1000 ImageNet labels in output order, \`labelOffset: 1\` for
  the "background" output 0, input 224x224 scaled to [-1, 1]). No central crop (\`"crop"\` is absent, so the
  whole image is resized): the crop did not help in the measurement below, so the model sees what it saw before.

## Measured agreement with the float32 original

${measured}
`;
}
