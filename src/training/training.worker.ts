import { initBackend } from '../models/tfBackend';
import { serveWorker } from '../workers/serveWorker';
import { trainClassifier } from './trainClassifier';
import { trainingFailureOf } from './trainingFailure';
import type { TrainingProtocol } from './training.protocol';

/** Runs one training job on its own TF.js backend, off the gateway's event loop. */
serveWorker<TrainingProtocol>((_data, emit) => ({
  ready: undefined,
  handlers: {
    async train(options) {
      try {
        const { tf } = await initBackend();
        return { result: await trainClassifier(tf, options, (progress) => emit(progress)) };
      } catch (error) {
        return { failure: trainingFailureOf(error) };
      }
    },
  },
}));
