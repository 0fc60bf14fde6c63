import { parentPort, workerData } from 'node:worker_threads';
import { workerDataOf } from '../workers/spawnWorker';
import { initBackend } from '../models/tfBackend';
import { trainClassifier } from './trainClassifier';
import { trainingFailureOf } from './trainingFailure';
import type { TrainingWorkerData, TrainingWorkerMessage } from './trainingWorkerProtocol';

/** Runs one training job on its own TF.js backend, off the gateway's event loop. */
if (!parentPort) throw new Error('trainingWorkerMain must run in a worker thread');
const port = parentPort;
const send = (message: TrainingWorkerMessage) => port.postMessage(message);

async function main(): Promise<void> {
  try {
    const { tf } = await initBackend();
    const { options } = workerDataOf<TrainingWorkerData>(workerData);
    const result = await trainClassifier(tf, options, (progress) => send({ type: 'progress', progress }));
    send({ type: 'done', result });
  } catch (error) {
    send({ type: 'failed', failure: trainingFailureOf(error) });
  }
}

void main();
