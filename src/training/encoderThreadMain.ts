import { parentPort, workerData } from 'node:worker_threads';
import { loadBackbone } from '../backbone/loadBackbone';
import { initBackend } from '../models/tfBackend';
import { featureExtractor } from '../backbone/featureExtractor';
import { workerDataOf } from '../workers/spawnWorker';
import type { EncoderReply, EncoderRequest, EncoderThreadData } from './encoderThreadProtocol';

/** One thread holding the frozen bottom of a backbone: images in, activations at one layer out (TF.js), or the frozen features (ONNX Runtime when they convert, else TF.js). */
if (!parentPort) throw new Error('encoderThreadMain must run in a worker thread');
const port = parentPort;
const send = (reply: EncoderReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  let encode: (pixels: Uint8Array, count: number) => Float32Array | Promise<Float32Array>;
  try {
    const { tf } = await initBackend();
    const { source, layer } = workerDataOf<EncoderThreadData>(workerData);
    const backbone = await loadBackbone(tf, source);
    if (layer) {
      // Activations at an inner layer (fine-tuning): TF.js.
      encode = backbone.activationsAt(layer).encode;
    } else {
      // The frozen features: on ONNX Runtime when the feature model converts.
      const features = await featureExtractor(tf, backbone);
      encode = (pixels, count) => features.embed(pixels, count);
    }
  } catch (error) {
    return send({ type: 'fatal', message: (error as Error).message });
  }
  send({ type: 'ready' });
  let previous = Promise.resolve();
  port.on('message', (request: EncoderRequest) => {
    previous = previous.then(async () => {
      try {
        const values = await encode(request.pixels, request.count);
        send({ type: 'ok', id: request.id, values }, [values.buffer as ArrayBuffer]);
      } catch (error) {
        send({ type: 'failed', id: request.id, message: (error as Error).message });
      }
    });
  });
}

void main();
