import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../models/tfBackend';
import { featureExtractor, type FeatureExtractor } from './featureExtractor';
import { loadBackbone } from './loadBackbone';
import type { BackboneReply, BackboneRequest, BackboneThreadData } from './backbone.protocol';
import { workerDataOf } from '../workers/spawnWorker';

/** One thread holding a backbone: embeds images on ONNX Runtime when its feature model converts, else on its own TF.js backend. Requests are handled in order. */
if (!parentPort) throw new Error('backbone.worker must run in a worker thread');
const port = parentPort;

async function main(): Promise<void> {
  let features: FeatureExtractor;
  try {
    const { tf, backend } = await initBackend();
    const data = workerDataOf<BackboneThreadData>(workerData);
    const backbone = await loadBackbone(tf, data.source);
    features = await featureExtractor(tf, backbone, { preference: data.runtime, cacheDir: data.onnxCacheDir });
    const fallback = features.fallbackReason === undefined ? {} : { fallbackReason: features.fallbackReason };
    send({ type: 'ready', info: backbone.info, backend: features.runtime === 'ONNX' ? 'onnxruntime-cpu' : backend, runtime: features.runtime, ...fallback });
  } catch (error) {
    return send({ type: 'fatal', message: (error as Error).message });
  }
  let previous = Promise.resolve();
  port.on('message', (request: BackboneRequest) => {
    previous = previous.then(() => handle(features, request));
  });
}

async function handle(features: FeatureExtractor, request: BackboneRequest): Promise<void> {
  try {
    switch (request.type) {
      case 'embed': {
        const result = await features.embed(request.pixels, request.count);
        return send({ type: 'ok', id: request.id, result }, [result.buffer as ArrayBuffer]);
      }
    }
  } catch (error) {
    send({ type: 'failed', id: request.id, message: (error as Error).message });
  }
}

function send(reply: BackboneReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(reply, transfer);
}

void main();
