import '../fakes/bigquery/nativeClient';
import { ingestIntoBigQuery } from '../../src/ingest/bigqueryIngest';
import { detectDatasetLayout } from '../../src/ingest/datasetLayout';
import { createBigQueryClient, resolveDataset } from '../../src/store/bigquery/bigQueryConnection';
import { BigQueryStore } from '../../src/store/bigquery/BigQueryStore';
import { FakeBigQuery } from '../fakes/bigquery/FakeBigQuery';
import { contractDataDir } from './contractData';
import { describeStoreContract } from './contract';

// The tables are loaded by the real loader through the fake's load-job endpoints, then queried by the store.
describeStoreContract('bigquery', contractDataDir('bigquery store'), async (dataDir) => {
  const fake = await FakeBigQuery.start();
  const settings = { project: 'gateway-tests', dataset: 'openimages', apiEndpoint: fake.url, timeoutMs: 30_000, maxRetries: 2 };
  await ingestIntoBigQuery(createBigQueryClient(settings), resolveDataset(settings.dataset, settings.project), detectDatasetLayout(dataDir));
  const store = BigQueryStore.connect(settings);
  return {
    store,
    close: async () => {
      await store.close();
      await fake.stop();
    },
  };
});
