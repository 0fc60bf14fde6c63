import path from 'node:path';
import { ApiKeys } from './auth/ApiKeys';
import { CallerLimits } from './auth/CallerLimits';
import { JwtVerifier } from './auth/JwtVerifier';
import { ClassificationService } from './classification/ClassificationService';
import type { GatewayConfig } from './config';
import { EmbeddingIndex } from './embeddings/EmbeddingIndex';
import { LabelLinker, LabelLinkerClosed } from './labels/LabelLinker';
import { logger } from './logger';
import { ClassCatalog } from './metadata/ClassCatalog';
import type { GatewayMetrics } from './metrics';
import { ModelOwnership } from './auth/modelOwnership';
import { ModelRegistry } from './models/ModelRegistry';
import { openRepository } from './models/repository/openRepository';
import { settingsFromConfig } from './store/bigquery/bigQueryConnection';
import { createStore } from './createStore';
import type { ClassRecord, MetadataStore } from './store/MetadataStore';
import { sharedTraining } from './training/jobs/sharedTraining';
import type { TrainingJobs } from './training/TrainingJobs';
import { VisionLabeler } from './vision/VisionLabeler';

/** The long-lived parts of a gateway, built once at start and shared by all requests. */
export interface GatewayServices {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  store: MetadataStore;
  catalog: ClassCatalog;
  /** Label -> class links against the catalog (model labels, Vision labels without a known mid). */
  labelLinks: LabelLinker<ClassRecord>;
  models: ModelRegistry;
  /** Who may replace or delete which model. */
  modelOwnership: ModelOwnership;
  /** Identities: bearer JWTs (when a key set is configured) and API keys. */
  identity: { jwt?: JwtVerifier; apiKeys: ApiKeys };
  /** Per-caller rate limits. */
  limits: CallerLimits;
  vision: VisionLabeler;
  classification: ClassificationService;
  training: TrainingJobs;
  /** Loaded from EMBEDDINGS for similarImages; undefined when unset. */
  embeddings?: EmbeddingIndex;
  /** Everything is loaded and able to answer (for /readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  store?: MetadataStore;
}

export async function createServices(config: GatewayConfig, metrics: GatewayMetrics, overrides: ServiceOverrides = {}): Promise<GatewayServices> {
  // Read first: a bad key file stops the start before anything loads.
  const identity = { jwt: JwtVerifier.fromConfig(config.auth), apiKeys: ApiKeys.fromFile(config.auth.apiKeysFile) };
  const repository = openRepository(config);
  const [store, models] = await Promise.all([overrides.store ?? createStore(config, metrics), ModelRegistry.create(config, metrics, { repository })]);
  models.startPolling(config.replicas.pollSeconds * 1000);
  const catalog = new ClassCatalog(await store.readCatalog());
  logger.info({ backend: store.backend, classes: catalog.size, relationTypes: catalog.relationTypes.length }, 'metadata catalog ready');
  const labelLinks = new LabelLinker(catalog.allClasses);
  for (const model of models.list()) linkLabelsInBackground(labelLinks, model.id, model.labels);
  const vision = VisionLabeler.create(config, metrics);
  const classification = new ClassificationService(models, vision, config);
  const modelOwnership = new ModelOwnership(models, repository);
  const { training, close: closeTraining } = sharedTraining(config, repository, {
    checkModelId: (modelId, caller, replace) => modelOwnership.checkTrainable(modelId, caller, replace),
    served: async (modelId, dir, { version }) => {
      const model = await models.register(modelId, dir, { version, fromRepository: true });
      linkLabelsInBackground(labelLinks, model.id, model.labels);
      return model;
    },
  });
  const embeddings = config.embeddingsFile
    ? EmbeddingIndex.open(config.embeddingsFile, {
        maxImagePixels: config.maxImagePixels,
        decode: config.decode,
        production: config.production,
        indexMinRows: config.embeddingsIndexMinRows,
        runtime: config.inferenceRuntime,
        onnxCacheDir: path.join(path.resolve(config.modelsDir), '.onnx-cache'),
        bigQuery: config.bigqueryEmbeddingsTable ? { settings: settingsFromConfig(config), table: config.bigqueryEmbeddingsTable } : undefined,
      })
    : undefined;
  let closed = false;
  return {
    config,
    metrics,
    store,
    catalog,
    labelLinks,
    models,
    modelOwnership,
    identity,
    limits: new CallerLimits(config.rateLimits, metrics),
    vision,
    classification,
    training,
    embeddings,
    isReady: () => !closed && models.isReady(),
    async close() {
      closed = true;
      await Promise.allSettled([store.close(), models.close(), vision.close(), closeTraining(), embeddings?.close()]);
      labelLinks.close();
    },
  };
}

/**
 * Links a model's labels to the catalog's classes after start, off the request path (the linker works
 * in slices that yield to the event loop): /readyz never waits for it, and a request that comes first
 * simply waits for the links it needs.
 */
function linkLabelsInBackground(labelLinks: LabelLinker<ClassRecord>, modelId: string, labels: readonly string[]): void {
  setImmediate(() => {
    labelLinks.prepare(labels).then(
      (table) =>
        logger.info(
          { model: modelId, labels: labels.length, linked: table.linked, linkMs: Math.round(table.milliseconds), indexMs: Math.round(labelLinks.stats().buildMilliseconds ?? 0) },
          'model labels linked to Open Images classes',
        ),
      (error: unknown) => {
        if (!(error instanceof LabelLinkerClosed)) logger.error({ model: modelId, err: error }, 'linking model labels to classes failed');
      },
    );
  });
}
