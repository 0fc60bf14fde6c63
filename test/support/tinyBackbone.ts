import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel, SymbolicTensor, io } from '@tensorflow/tfjs';
import type { Tf } from '../../src/models/tfBackend';

/**
 * Writes a tiny TF.js layers model shaped like the default MobileNet V2's top (a 32x32 input, a strided
 * stem, an inverted-residual block ending in `add_9`, then expand / depthwise / project (`conv_33`), a 1x1 conv (`conv_34`) and
 * `global_average_pooling`), with seeded weights, so tests train and embed on a real backbone folder
 * in milliseconds per image. Returns the folder.
 */
export async function writeTinyBackbone(tf: Tf, dir: string, seed = 1): Promise<string> {
  let n = seed * 100;
  const init = () => tf.initializers.varianceScaling({ scale: 6, mode: 'fanIn', distribution: 'uniform', seed: n++ });
  const conv = (name: string, filters: number, activation: 'relu6' | 'linear', kernelSize = 1, strides = 1) =>
    tf.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', activation, kernelInitializer: init(), biasInitializer: 'zeros' });
  const depthwise = (name: string) => tf.layers.depthwiseConv2d({ name, kernelSize: 3, padding: 'same', activation: 'relu6', depthwiseInitializer: init() });
  const input = tf.input({ shape: [32, 32, 3], name: 'input' });
  // Two stride-2 convolutions, not one of stride 4: the wasm backend's stride-4 "same" convolution gives zeros.
  const stem = conv('conv_2', 16, 'relu6', 3, 2).apply(conv('conv_1', 8, 'relu6', 3, 2).apply(input)) as SymbolicTensor;
  const block = (prefix: string, x: SymbolicTensor, out: number, projectName?: string) => {
    const expanded = conv(`${prefix}_expand`, 48, 'relu6').apply(x) as SymbolicTensor;
    const filtered = depthwise(`${prefix}_dw`).apply(expanded) as SymbolicTensor;
    return conv(projectName ?? `${prefix}_project`, out, 'linear').apply(filtered) as SymbolicTensor;
  };
  const residual = tf.layers.add({ name: 'add_9' }).apply([stem, block('b15', stem, 16)]) as SymbolicTensor;
  const last = conv('conv_34', 64, 'relu6').apply(block('b16', residual, 24, 'conv_33')) as SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'global_average_pooling' }).apply(last) as SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled, name: 'tiny_backbone' });
  await saveLayersModel(tf, model, dir);
  model.dispose();
  return dir;
}

/** Saves a TF.js layers model as a model folder (model.json + one weights.bin), as writeModelFolder does. */
export async function saveLayersModel(tf: Tf, model: LayersModel, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts: io.ModelArtifacts) => {
      const data = artifacts.weightData;
      const parts = Array.isArray(data) ? data : data ? [data] : [];
      fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.concat(parts.map((part) => Buffer.from(part))));
      const modelJson = { format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return dir;
}
