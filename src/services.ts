import type { GatewayConfig } from './config';
import { logger } from './logger';
import { ClassCatalog } from './metadata/ClassCatalog';
import type { GatewayMetrics } from './metrics';
import { createStore } from './store/createStore';
import type { MetadataStore } from './store/MetadataStore';

/** The long-lived parts of a gateway, built once at start and shared by all requests. */
export interface GatewayServices {
  config: GatewayConfig;
  metrics: GatewayMetrics;
  store: MetadataStore;
  catalog: ClassCatalog;
  /** Everything is loaded and able to answer (for /readyz). */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface ServiceOverrides {
  store?: MetadataStore;
}

export async function createServices(config: GatewayConfig, metrics: GatewayMetrics, overrides: ServiceOverrides = {}): Promise<GatewayServices> {
  const store = overrides.store ?? (await createStore(config, metrics));
  const catalog = new ClassCatalog(await store.readCatalog());
  logger.info({ backend: store.backend, classes: catalog.size, relationTypes: catalog.relationTypes.length }, 'metadata catalog ready');
  let closed = false;
  return {
    config,
    metrics,
    store,
    catalog,
    isReady: () => !closed,
    async close() {
      closed = true;
      await store.close();
    },
  };
}
