import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LayersModel, SymbolicTensor, io } from '@tensorflow/tfjs';
import { DEFAULT_INPUT_RANGE, DEFAULT_INPUT_SIZE, readModelArtifacts, readModelSpec } from '../models/modelFolder';
import type { Tf } from '../models/tfBackend';
import { Backbone, type BackboneInfo, type BackboneSource } from './Backbone';
import { BackboneError, parseFeatureLayers, poolMaps, type FeatureLayer } from './featureLayers';
import { projectRoot } from '../paths';

/**
 * The default backbone: the model the project ships as its default classifier (an ImageNet MobileNet V2,
 * 1280 pooled features at `global_average_pooling`), in `<repo>/default-model`.
 */
export const DEFAULT_BACKBONE_DIR = path.join(projectRoot(), 'default-model');
export const DEFAULT_BACKBONE: BackboneSource = { kind: 'folder', dir: DEFAULT_BACKBONE_DIR };

const POOLING_LAYERS = ['GlobalAveragePooling2D', 'GlobalMaxPooling2D'];

export { BackboneError, parseFeatureLayers } from './featureLayers';

/**
 * Loads a backbone and cuts it at its feature layer: the source's, else `preferredFeatures` when the
 * model has every layer it names, else the model's last global pooling layer.
 */
export async function loadBackbone(tf: Tf, source: BackboneSource = DEFAULT_BACKBONE, preferredFeatures?: string): Promise<Backbone> {
  const dir = path.resolve(source.dir);
  if (dir === DEFAULT_BACKBONE_DIR && !existsSync(path.join(dir, 'model.json'))) {
    throw new BackboneError(
      `the default backbone ${dir} is missing: pass a TF.js layers model folder as the backbone (--backbone <dir>, e.g. ../shared/models/mobilenet_v2_1.0_224)`,
    );
  }
  const artifacts = await readModelArtifacts(dir);
  if (!artifacts.modelTopology || Array.isArray((artifacts.modelTopology as { node?: unknown }).node)) {
    throw new BackboneError(`${dir} holds a graph model; a backbone must be a TF.js layers model`);
  }
  const spec = await readModelSpec(dir).catch(() => undefined); // a backbone folder may have no labels
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const preferred = preferredFeatures && hasLayers(model, preferredFeatures) ? preferredFeatures : undefined;
  const featureLayer = source.featureLayer ?? preferred ?? defaultFeatureLayer(model);
  const name = `${path.basename(dir)}@${weightsDigest(artifacts)}`;
  return cut(tf, model, name, { kind: 'folder', dir, featureLayer }, featureLayer, spec?.inputRange ?? DEFAULT_INPUT_RANGE);
}

function cut(tf: Tf, model: LayersModel, name: string, source: BackboneSource, featureLayer: string, inputRange: [number, number]): Backbone {
  let output: SymbolicTensor;
  try {
    output = featuresOutput(tf, model, parseFeatureLayers(featureLayer));
  } catch (error) {
    model.dispose();
    throw error;
  }
  const featureSize = output.shape.at(-1);
  if (output.shape.length !== 2 || typeof featureSize !== 'number') {
    model.dispose();
    throw new BackboneError(`layer "${featureLayer}" gives shape [${output.shape.join(', ')}]; pick a pooled or flattened layer`);
  }
  const inputShape = model.inputs[0].shape;
  const inputSize = typeof inputShape[1] === 'number' ? inputShape[1] : DEFAULT_INPUT_SIZE;
  const info: BackboneInfo = { id: `${name}:${featureLayer}`, source, featureLayer, featureSize, inputSize, inputRange };
  return new Backbone(tf, info, model, output);
}

/** The feature vector: each layer's output, its maps pooled, concatenated when there are several. */
function featuresOutput(tf: Tf, model: LayersModel, features: FeatureLayer[]): SymbolicTensor {
  const single = features.length === 1 && !features[0].pools;
  const vectors = features.flatMap(({ layer, pools }) => {
    let output: SymbolicTensor;
    try {
      output = model.getLayer(layer).output as SymbolicTensor;
    } catch {
      throw new BackboneError(
        `the backbone has no layer "${layer}"; its layers end with: ${model.layers
          .slice(-8)
          .map((l) => l.name)
          .join(', ')}`,
      );
    }
    if (output.shape.length !== 4) {
      if (pools) throw new BackboneError(`layer "${layer}" gives vectors, not maps: it cannot be pooled (:${pools.join('+')})`);
      return [output];
    }
    // A convolutional feature map: pooled to one vector per image (named as before for a lone layer).
    return poolMaps(tf, output, pools, (pool) => (single ? `${layer}_pooled` : `${layer}_${pool}pool`));
  });
  return vectors.length === 1 ? vectors[0] : (tf.layers.concatenate({ name: 'features' }).apply(vectors) as SymbolicTensor);
}

function hasLayers(model: LayersModel, spec: string): boolean {
  const names = new Set(model.layers.map((layer) => layer.name));
  return parseFeatureLayers(spec).every(({ layer }) => names.has(layer));
}

/** The last global pooling layer, else the last Flatten: where ImageNet classifiers hold their image embedding. */
function defaultFeatureLayer(model: LayersModel): string {
  const layers = [...model.layers].reverse();
  const found = layers.find((l) => POOLING_LAYERS.includes(l.getClassName())) ?? layers.find((l) => l.getClassName() === 'Flatten');
  if (!found) throw new BackboneError('no global pooling or Flatten layer found: name the feature layer (--feature-layer)');
  return found.name;
}

function weightsDigest(artifacts: io.ModelArtifacts): string {
  const hash = createHash('sha256').update(JSON.stringify(artifacts.modelTopology));
  const data = artifacts.weightData;
  for (const buffer of Array.isArray(data) ? data : data ? [data] : []) hash.update(new Uint8Array(buffer));
  return hash.digest('hex').slice(0, 12);
}

/** `--backbone` / `--feature-layer` as given to the scripts: nothing for the default (default-model/), else a model folder. */
export function backboneSourceOf(backbone?: string, featureLayer?: string): BackboneSource {
  const layer = featureLayer ? { featureLayer } : {};
  return { kind: 'folder', dir: backbone ? path.resolve(backbone) : DEFAULT_BACKBONE_DIR, ...layer };
}
