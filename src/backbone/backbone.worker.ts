import { initBackend } from '../models/tfBackend';
import { serveWorker } from '../workers/serveWorker';
import { transferred } from '../workers/protocol';
import type { BackboneProtocol } from './backbone.protocol';
import { featureExtractor } from './featureExtractor';
import { loadBackbone } from './loadBackbone';

/**
 * One thread holding a backbone: embeds images on ONNX Runtime when its feature model converts, else on its
 * own TF.js backend; with a `layer`, the activations at that layer (TF.js). Requests are handled in order.
 */
serveWorker<BackboneProtocol>(async (data) => {
  const { tf, backend } = await initBackend();
  const backbone = await loadBackbone(tf, data.source);
  if (data.layer) {
    const { encode } = backbone.activationsAt(data.layer);
    return {
      ready: { info: backbone.info, backend, runtime: 'TFJS_WASM' },
      handlers: { embed: ({ pixels, count }) => withTransfer(encode(pixels, count)) },
    };
  }
  const features = await featureExtractor(tf, backbone, { preference: data.runtime, cacheDir: data.onnxCacheDir });
  const fallback = features.fallbackReason === undefined ? {} : { fallbackReason: features.fallbackReason };
  return {
    ready: { info: backbone.info, backend: features.runtime === 'ONNX' ? 'onnxruntime-cpu' : backend, runtime: features.runtime, ...fallback },
    handlers: { embed: async ({ pixels, count }) => withTransfer(await features.embed(pixels, count)) },
  };
});

const withTransfer = (values: Float32Array) => transferred(values, [values.buffer as ArrayBuffer]);
