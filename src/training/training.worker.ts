import { initBackend } from '../models/tfBackend';
import { serveWorker } from '../workers/serveWorker';
import { trainClassifier, type TrainProgress } from './trainClassifier';
import { trainingFailureOf } from './trainingFailure';
import type { TrainingProtocol } from './training.protocol';

/** Runs one training job on its own TF.js backend, off the gateway's event loop. */
serveWorker<TrainingProtocol>((_data, emit, closing) => ({
  ready: undefined,
  handlers: {
    async train(options) {
      try {
        const { tf } = await initBackend();
        // A cancelled or timed-out job gives up at its next progress report (an embedded batch, a training step).
        const report = (progress: TrainProgress) => {
          closing.throwIfAborted();
          emit(progress);
        };
        return { result: await trainClassifier(tf, options, report) };
      } catch (error) {
        return { failure: trainingFailureOf(error) };
      }
    },
  },
}));
