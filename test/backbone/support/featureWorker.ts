import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackbone } from '../../../src/backbone/loadBackbone';
import { initBackend } from '../../../src/models/tfBackend';
import { featureExtractor } from '../../../src/backbone/featureExtractor';
import { noConversion, type OnnxConversion } from '../../../src/runtime/onnx/conversion';
import { workerDataOf } from '../../../src/workers/spawnWorker';
import { tinyOnnxModel } from '../../models/support/tinyOnnx';
import { writeTinyBackbone } from '../../support/tinyBackbone';

/**
 * In a worker thread (ONNX Runtime's tensors do not cross jest's sandbox): the tiny backbone's feature
 * extractor with a stand-in conversion, embedding one solid-colour image. `conversion`: `none` (the
 * default hook), `matching` (an ONNX model with the backbone's input and feature size), `mismatched`
 * (3 features, not 64), `broken` (bytes ONNX Runtime cannot load).
 */
export interface FeatureJob {
  conversion: 'none' | 'matching' | 'mismatched' | 'broken';
  dir: string;
  rgb: [number, number, number];
}

const conversions: Record<Exclude<FeatureJob['conversion'], 'none'>, OnnxConversion> = {
  matching: async () => ({ kind: 'converted', onnx: tinyOnnxModel({ size: 32, softmax: false, width: 64 }) }),
  mismatched: async () => ({ kind: 'converted', onnx: tinyOnnxModel({ size: 32, softmax: false }) }),
  broken: async () => ({ kind: 'converted', onnx: new Uint8Array([7, 7, 7]) }),
};

async function main(job: FeatureJob) {
  const { tf } = await initBackend();
  const backbone = await loadBackbone(tf, { kind: 'folder', dir: await writeTinyBackbone(tf, job.dir) });
  const extractor = await featureExtractor(tf, backbone, {
    conversion: job.conversion === 'none' ? noConversion : conversions[job.conversion],
    cacheDir: path.join(job.dir, 'cache'),
  });
  const pixels = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set(job.rgb, i);
  const embedding = await extractor.embed(pixels, 1);
  return {
    runtime: extractor.runtime,
    fallbackReason: extractor.fallbackReason,
    embedding: [...embedding],
    tfjs: [...backbone.embed(pixels, 1)],
    inputRange: backbone.info.inputRange,
  };
}

main(workerDataOf<FeatureJob>(workerData)).then(
  (result) => parentPort!.postMessage({ ok: true, result }),
  (error: Error) => parentPort!.postMessage({ ok: false, message: error.stack ?? error.message }),
);
