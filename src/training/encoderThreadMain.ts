import { parentPort, workerData } from 'node:worker_threads';
import { loadBackbone } from '../embeddings/backbone/loadBackbone';
import { initBackend } from '../models/tfBackend';
import { workerDataOf } from '../workers/spawnWorker';
import type { EncoderReply, EncoderRequest, EncoderThreadData } from './encoderThreadProtocol';

/** One thread holding the frozen bottom of a backbone (its own TF.js backend): images in, activations at one layer out. */
if (!parentPort) throw new Error('encoderThreadMain must run in a worker thread');
const port = parentPort;
const send = (reply: EncoderReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function main(): Promise<void> {
  let encode: (pixels: Uint8Array, count: number) => Float32Array;
  try {
    const { tf } = await initBackend();
    const { source, layer } = workerDataOf<EncoderThreadData>(workerData);
    const backbone = await loadBackbone(tf, source);
    encode = layer ? backbone.activationsAt(layer).encode : (pixels, count) => backbone.embed(pixels, count);
  } catch (error) {
    return send({ type: 'fatal', message: (error as Error).message });
  }
  send({ type: 'ready' });
  port.on('message', (request: EncoderRequest) => {
    try {
      const values = encode(request.pixels, request.count);
      send({ type: 'ok', id: request.id, values }, [values.buffer as ArrayBuffer]);
    } catch (error) {
      send({ type: 'failed', id: request.id, message: (error as Error).message });
    }
  });
}

void main();
