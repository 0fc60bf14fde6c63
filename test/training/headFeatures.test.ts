import path from 'node:path';
import { BackboneError, loadBackbone, parseFeatureLayers } from '../../src/backbone/loadBackbone';
import { initBackend, type Tf } from '../../src/models/tfBackend';
import { Standardizer } from '../../src/training/standardize';
import { TrainableTop } from '../../src/training/TrainableTop';
import { writeTinyBackbone } from '../support/tinyBackbone';
import { temporaryDir } from './support/images';

describe('what the head learns from: feature specs and standardisation', () => {
  let tf: Tf;
  const root = temporaryDir('head-features-');
  const tiny = path.join(root, 'tiny');

  beforeAll(async () => {
    ({ tf } = await initBackend());
    await writeTinyBackbone(tf, tiny);
  });

  it('parses layer[:avg|max|avg+max] lists and refuses anything else in one clear line', () => {
    expect(parseFeatureLayers('global_average_pooling')).toEqual([{ layer: 'global_average_pooling' }]);
    expect(parseFeatureLayers('dwconv_13, conv_28:avg+max,conv_34:max')).toEqual([
      { layer: 'dwconv_13' },
      { layer: 'conv_28', pools: ['avg', 'max'] },
      { layer: 'conv_34', pools: ['max'] },
    ]);
    for (const bad of ['conv_28:mean', 'conv_28:avg+avg', 'a,,b', 'conv_28:avg:max']) expect(() => parseFeatureLayers(bad)).toThrow(BackboneError);
  });

  it("concatenates several layers' pooled maps, prefers a spec only when the backbone has its layers, and embeds the same through fused kernels", async () => {
    const mixed = await loadBackbone(tf, { kind: 'folder', dir: tiny, featureLayer: 'add_9,conv_34:avg+max' });
    expect(mixed.info).toMatchObject({ featureLayer: 'add_9,conv_34:avg+max', featureSize: 16 + 64 + 64 });
    expect(mixed.info.id).toMatch(/:add_9,conv_34:avg\+max$/);
    const pixels = Uint8Array.from({ length: 2 * 32 * 32 * 3 }, (_, i) => (i * 37) % 256);
    const embedded = mixed.embed(pixels, 2);
    const input = tf.tensor4d(
      Float32Array.from(pixels, (p) => p / 127.5 - 1),
      [2, 32, 32, 3],
    );
    const expected = (mixed.features.predict(input) as import('@tensorflow/tfjs').Tensor).dataSync();
    input.dispose();
    expect(embedded).toHaveLength(2 * 144);
    let largest = 0;
    for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i] - embedded[i]));
    expect(largest).toBeLessThan(1e-4);
    mixed.dispose();

    const preferred = await loadBackbone(tf, { kind: 'folder', dir: tiny }, 'add_9,conv_34:max');
    expect(preferred.info.featureLayer).toBe('add_9,conv_34:max');
    preferred.dispose();
    const missing = await loadBackbone(tf, { kind: 'folder', dir: tiny }, 'dwconv_13,conv_28:avg+max');
    expect(missing.info.featureLayer).toBe('global_average_pooling');
    missing.dispose();
    await expect(loadBackbone(tf, { kind: 'folder', dir: tiny, featureLayer: 'global_average_pooling:max' })).rejects.toThrow(/gives vectors, not maps/);
    await expect(loadBackbone(tf, { kind: 'folder', dir: tiny, featureLayer: 'conv_99' })).rejects.toThrow(/no layer "conv_99"/);
  });

  it('fine-tunes only after the cut: the cached input holds the frozen features and the maps, and the top rebuilds the features from it', async () => {
    const backbone = await loadBackbone(tf, { kind: 'folder', dir: tiny, featureLayer: 'add_9,conv_34:avg+max' });
    const top = TrainableTop.between(tf, backbone.full, 'conv_33', backbone.info.featureLayer);
    const cached = backbone.activationsAt('conv_33');
    expect(cached.shape).toEqual([16 + 8 * 8 * 24]); // add_9 pooled, then conv_33's 8x8x24 maps
    expect(top.inputShape).toEqual(cached.shape);
    const pixels = Uint8Array.from({ length: 3 * 32 * 32 * 3 }, (_, i) => (i * 53) % 256);
    const direct = backbone.embed(pixels, 3);
    const input = tf.tensor2d(cached.encode(pixels, 3), [3, cached.shape[0]]);
    const rebuilt = top.forward(input).dataSync();
    input.dispose();
    expect(rebuilt).toHaveLength(direct.length);
    for (let i = 0; i < direct.length; i++) expect(rebuilt[i]).toBeCloseTo(direct[i], 4);
    expect(() => TrainableTop.between(tf, backbone.full, 'conv_33', 'conv_34,add_9')).toThrow(/only the last feature layer may come after the cut/);
    top.dispose();
    backbone.dispose();
  });

  it('standardises on TRAIN and folds the shift and scale into the dense layer, which then gives the same outputs on raw features', () => {
    const raw = { count: 4, features: Float32Array.from([0, 10, 5, 1, 12, 5, 2, 14, 5, 3, 16, 5]), targets: new Float32Array(8), sources: ['a', 'b', 'c', 'd'] };
    const standardizer = Standardizer.fit(raw);
    expect(Array.from(standardizer.mean)).toEqual([1.5, 13, 5]);
    // The constant third feature is divided by the floor, not by zero.
    expect(standardizer.scale[2]).toBeCloseTo(0.01);
    const standardized = standardizer.apply(raw);
    const dense = tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: tf.initializers.randomNormal({ seed: 3 }), biasInitializer: 'ones' });
    const model = tf.sequential({ layers: [dense] });
    const before = (model.predict(tf.tensor2d(standardized.features, [4, 3])) as import('@tensorflow/tfjs').Tensor).dataSync();
    standardizer.foldInto(tf, dense);
    const after = (model.predict(tf.tensor2d(raw.features, [4, 3])) as import('@tensorflow/tfjs').Tensor).dataSync();
    for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i], 3);
    model.dispose();
  });
});
