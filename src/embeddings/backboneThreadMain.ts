import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../models/tfBackend';
import type { Backbone } from './backbone/Backbone';
import { loadBackbone } from './backbone/loadBackbone';
import type { BackboneReply, BackboneRequest, BackboneThreadData } from './backboneThreadProtocol';
import { workerDataOf } from '../workers/spawnWorker';

/** One thread holding a backbone (its own TF.js backend): embeds images. */
if (!parentPort) throw new Error('backboneThreadMain must run in a worker thread');
const port = parentPort;

async function main(): Promise<void> {
  let backbone: Backbone;
  try {
    const { tf, backend } = await initBackend();
    backbone = await loadBackbone(tf, workerDataOf<BackboneThreadData>(workerData).source);
    send({ type: 'ready', info: backbone.info, backend });
  } catch (error) {
    return send({ type: 'fatal', message: (error as Error).message });
  }
  port.on('message', (request: BackboneRequest) => handle(backbone, request));
}

function handle(backbone: Backbone, request: BackboneRequest): void {
  try {
    switch (request.type) {
      case 'embed': {
        const features = backbone.embed(request.pixels, request.count);
        return send({ type: 'ok', id: request.id, result: features }, [features.buffer as ArrayBuffer]);
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
