import path from 'node:path';
import type { GatewayConfig } from '../../config';
import type { ModelRepository, RepositoryModel } from '../../models/repository/ModelRepository';
import { DEFAULT_KEEP_FINISHED, TrainingJobs, type TrainingJobsOptions } from '../TrainingJobs';
import { JobRecords } from './JobRecords';
import { openJobStore } from './openJobStore';
import { QueuedJobPoller } from './QueuedJobPoller';

export interface SharedTraining {
  training: TrainingJobs;
  /** Present when this process runs jobs (TRAINING_WORKER): it also takes the ones other replicas queued. */
  poller?: QueuedJobPoller;
  close(): Promise<void>;
}

/**
 * Training jobs as the gateway and `npm run worker` run them: records in the repository's job store,
 * finished models published to the repository (then `served`, on a serving replica), and, when this
 * process trains (TRAINING_WORKER), a poller that claims jobs queued elsewhere.
 */
export function sharedTraining(
  config: GatewayConfig,
  repository: ModelRepository,
  hooks: Pick<TrainingJobsOptions, 'checkModelId'> & { served?: (modelId: string, dir: string, version: RepositoryModel) => Promise<unknown> },
): SharedTraining {
  const records = new JobRecords(openJobStore(config), {
    heartbeatMs: config.replicas.heartbeatSeconds * 1000,
    leaseMs: config.replicas.leaseSeconds * 1000,
    keepFinished: DEFAULT_KEEP_FINISHED,
  });
  const settings = {
    dataRoot: config.trainingDataRoot,
    modelsDir: config.modelsDir,
    maxImagePixels: config.maxImagePixels,
    cacheMaxBytes: config.trainingCacheMaxBytes,
    remoteSources: config.trainingRemoteSources,
  };
  const training = new TrainingJobs({
    ...settings,
    checkModelId: hooks.checkModelId,
    queueMax: config.training.queueMax,
    queueMaxPerCaller: config.training.queueMaxPerCaller,
    jobTimeoutMs: config.training.jobTimeoutSeconds * 1000,
    production: config.production,
    records,
    recordPollMs: Math.min(1000, config.replicas.heartbeatSeconds * 1000),
    runJobs: config.replicas.trainingWorker,
    outputFolder: (jobId) => repository.stagingFolder(jobId),
    // Published as the model's next version (what every replica polls for), then served here at once.
    register: async (modelId, folder) => {
      const version = await repository.publish(modelId, folder);
      return hooks.served?.(modelId, await repository.localFolder(version), version);
    },
  });
  // A claimed job trains with this process's own data root, caches and remote-source policy.
  const local = settings.dataRoot;
  const poller = config.replicas.trainingWorker
    ? new QueuedJobPoller(records, training, (options) => ({
        ...options,
        ...(local ? { dataRoot: local } : {}),
        remoteSources: settings.remoteSources,
        cacheDir: path.join(settings.modelsDir, '.embedding-cache'),
        cacheMaxBytes: settings.cacheMaxBytes,
      }))
    : undefined;
  poller?.start(config.replicas.pollSeconds * 1000);
  return {
    training,
    poller,
    async close() {
      poller?.stop();
      await training.close();
    },
  };
}
