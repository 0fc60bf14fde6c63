import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../models/tfBackend';
import type { Backbone } from './backbone/Backbone';
import { loadBackbone } from './backbone/loadBackbone';
import type { BackboneReply, BackboneRequest, BackboneThreadData } from './backboneThreadProtocol';
import { cosineTopK, normalize } from './cosineTopK';
import { workerDataOf } from '../workers/spawnWorker';

/** One thread holding a backbone (its own TF.js backend): embeds images and searches an attached matrix. */
if (!parentPort) throw new Error('backboneThreadMain must run in a worker thread');
const port = parentPort;
let index: { matrix: Float32Array; rows: number; dim: number } | undefined;

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
      case 'attach':
        index = { matrix: new Float32Array(request.matrix), rows: request.rows, dim: request.dim };
        return send({ type: 'ok', id: request.id });
      case 'search': {
        if (!index) throw new Error('no matrix attached');
        const query = normalize(backbone.embed(request.pixels, 1));
        if (query.length !== index.dim) throw new Error(`the backbone gives ${query.length} values, the matrix has ${index.dim}`);
        const result = cosineTopK(index.matrix, index.rows, index.dim, query, request.k);
        return send({ type: 'ok', id: request.id, result }, [result.indices.buffer as ArrayBuffer, result.scores.buffer as ArrayBuffer]);
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
