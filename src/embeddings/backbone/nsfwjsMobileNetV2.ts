import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';

/**
 * The MobileNetV2 that the npm package nsfwjs (MIT) ships in its tarball: a Keras layers model
 * (ImageNet-pretrained base, fine-tuned by nsfwjs on a 5-class task), 224x224 input scaled to [0, 1].
 * Its JSON and its quantised weights are JS modules (`{ modelJson, weightBundles }`); we read them as
 * TF.js model artifacts without loading nsfwjs's classifier code (which expects a browser).
 */
export const NSFWJS_FEATURE_LAYER = 'flatten_1';

interface NsfwjsModelDefinition {
  modelJson(): Promise<{ default: { modelTopology: object; weightsManifest: io.WeightsManifestConfig } }>;
  weightBundles: Array<() => Promise<{ default: string }>>;
}

export interface NsfwjsArtifacts {
  artifacts: io.ModelArtifacts;
  version: string;
}

export async function readNsfwjsMobileNetV2(): Promise<NsfwjsArtifacts> {
  const entry = require.resolve('nsfwjs/models/mobilenet_v2'); // <pkg>/dist/cjs/models/mobilenet_v2.js
  const packageDir = path.resolve(path.dirname(entry), '..', '..', '..');
  const version = (JSON.parse(await fs.readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const definition = (require('nsfwjs/models/mobilenet_v2') as { MobileNetV2Model: NsfwjsModelDefinition }).MobileNetV2Model;
  const { modelTopology, weightsManifest } = (await definition.modelJson()).default;
  const weightSpecs = weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = weightSpecs.reduce((sum, spec) => sum + byteSize(spec), 0);

  const shards: Buffer[] = [];
  for (let i = 0; i < definition.weightBundles.length; i++) {
    const file = path.join(packageDir, 'dist', 'models', 'mobilenet_v2', `group1-shard${i + 1}of${definition.weightBundles.length}.min.js`);
    shards.push((await base64LiteralOf(file)) ?? Buffer.from((await definition.weightBundles[i]()).default, 'base64'));
  }
  let weights = Buffer.concat(shards);
  if (weights.length !== expectedBytes) {
    // The fast path misread the bundle: take the package's own (slow) loader instead.
    const bundles = await Promise.all(definition.weightBundles.map(async (load) => Buffer.from((await load()).default, 'base64')));
    weights = Buffer.concat(bundles);
  }
  if (weights.length !== expectedBytes) {
    throw new Error(`nsfwjs ${version}: MobileNetV2 weights hold ${weights.length} bytes, the manifest expects ${expectedBytes}`);
  }
  return {
    version,
    artifacts: {
      modelTopology,
      format: 'layers-model',
      weightSpecs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    },
  };
}

/**
 * Each weight bundle is a browserify module whose only export is one base64 string literal. `require`
 * works but takes ~3 s for V8 to parse the 3.5 MB literal; extracting the literal takes ~0.1 s.
 */
async function base64LiteralOf(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const literals: string[] = [];
  for (let open = text.indexOf('"'); open !== -1; ) {
    const close = text.indexOf('"', open + 1);
    if (close === -1) break;
    if (close - open > 1024 && isBase64(text, open + 1, close)) literals.push(text.slice(open + 1, close));
    open = text.indexOf('"', close + 1);
  }
  return literals.length === 1 ? Buffer.from(literals[0], 'base64') : undefined;
}

/** A linear scan: a regular expression over a multi-megabyte literal overflows V8's regexp stack. */
function isBase64(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || (c === 61 && i >= end - 2);
    if (!ok) return false;
  }
  return true;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function byteSize(spec: io.WeightsManifestEntry): number {
  const elements = spec.shape.reduce((product, dim) => product * dim, 1);
  return elements * (BYTES_PER_ELEMENT[spec.quantization?.dtype ?? spec.dtype] ?? 4);
}
