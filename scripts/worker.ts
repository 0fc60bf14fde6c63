import { loadConfig } from '../src/config';
import { logger } from '../src/logger';
import { openRepository } from '../src/models/repository/openRepository';
import { sharedTraining } from '../src/training/jobs/sharedTraining';
import { runCli } from './support/cli';

const USAGE = `usage: npm run worker

Runs the training jobs that gateway replicas queue in the model repository (replicas with
TRAINING_WORKER=false only queue them): claims one queued job at a time (an atomic create, so two
workers never take the same job), trains it, heartbeats its record, and publishes the model as the
next version in the repository, where every replica picks it up within MODEL_REPOSITORY_POLL_S.
Configured like the gateway, from the environment: MODEL_REPOSITORY (or MODELS_DIR),
TRAINING_DATA_ROOT, TRAINING_REMOTE_SOURCES, TRAINING_JOB_HEARTBEAT_S, MODEL_REPOSITORY_POLL_S.
Stops on SIGTERM or SIGINT; a job it was running ends FAILED.`;

runCli({ usage: USAGE, options: {} }, async () => {
  const config = loadConfig({ ...process.env, TRAINING_WORKER: 'true' });
  const repository = openRepository(config);
  const { close } = sharedTraining(config, repository, {});
  logger.info({ repository: repository.location, pollSeconds: config.replicas.pollSeconds }, 'training worker ready');
  // The poller's timers do not hold the process open (they must not in a gateway): this does, until a signal.
  const alive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  clearInterval(alive);
  await close();
  logger.info('training worker stopped');
});
