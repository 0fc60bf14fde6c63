import { prepareDuckDb } from '../../src/ingest/prepareDuckDb';
import { DuckDbStore } from '../../src/store/duckdb/DuckDbStore';
import { contractDataDir } from './contractData';
import { describeStoreContract } from './contract';

describeStoreContract('duckdb', contractDataDir('duckdb store'), async (dataDir) => {
  const store = await DuckDbStore.open((await prepareDuckDb({ dataDir })).instance);
  return { store, close: () => store.close() };
});
