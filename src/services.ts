import { ClassificationService } from './classification/ClassificationService';
import type { GatewayConfig } from './config';
import { EmbeddingIndex } from './embeddings/EmbeddingIndex';
import { logger } from './logger';
import { ClassCatalog } from './metadata/ClassCatalog';
import type { GatewayMetrics } from './metrics';
import { ModelRegistry } from './models/ModelRegistry';
import { settingsFromConfig } from './store/bigquery/bigQueryConnection';
import { createStore } from './store/createStore';
import type { MetadataStore } from './store/MetadataStore';
import { TrainingJobs } from './training/TrainingJobs';
import { VisionLabeler } from './vision/VisionLabeler';

/** The long-lived parts of a gateway, built once at start and shared by all requests. */
export interface GatewayServices {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  store: MetadataStore;
  catalog: ClassCatalog;
  models: ModelRegistry;
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
  const [store, models] = await Promise.all([overrides.store ?? createStore(config, metrics), ModelRegistry.create(config, metrics)]);
  const catalog = new ClassCatalog(await store.readCatalog());
  logger.info({ backend: store.backend, classes: catalog.size, relationTypes: catalog.relationTypes.length }, 'metadata catalog ready');
  const vision = VisionLabeler.create(config, metrics);
  const classification = new ClassificationService(models, vision, config);
  const training = new TrainingJobs({
    dataRoot: config.trainingDataRoot,
    modelsDir: config.modelsDir,
    maxImagePixels: config.maxImagePixels,
    register: (id, dir) => models.register(id, dir),
  });
  const embeddings = config.embeddingsFile ? EmbeddingIndex.open(config.embeddingsFile, {
        maxImagePixels: config.maxImagePixels,
        indexMinRows: config.embeddingsIndexMinRows,
        bigQuery: config.bigqueryEmbeddingsTable ? { settings: settingsFromConfig(config), table: config.bigqueryEmbeddingsTable } : undefined,
      }) : undefined;
  let closed = false;
  return {
    config,
    metrics,
    store,
    catalog,
    models,
    vision,
    classification,
    training,
    embeddings,
    isReady: () => !closed && models.isReady(),
    async close() {
      closed = true;
      await Promise.allSettled([store.close(), models.close(), vision.close(), training.close(), embeddings?.close()]);
    },
  };
}
