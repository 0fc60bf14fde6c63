import fs from 'node:fs';
import path from 'node:path';
import { prepareDuckDb, type DuckDbPreparation } from '../../src/ingest/prepareDuckDb';
import { DuckDbStore } from '../../src/store/duckdb/DuckDbStore';
import { tempDir } from '../ingest/fixtures';

/** A kept DUCKDB_PATH must not serve the old data once DATA_DIR names other (or changed) files. */

function writeDataset(dir: string, classes: [string, string][]): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'classes.csv'), ['Label,Description', ...classes.map((c) => c.join(','))].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'image_labels.csv'), ['ImageId,Label', ...classes.map(([label], i) => `img${i},${label}`)].join('\n') + '\n');
}

async function openAndClose(options: DuckDbPreparation): Promise<{ loaded: boolean; classes: string[] }> {
  const { instance, ingestReport } = await prepareDuckDb(options);
  const store = await DuckDbStore.open(instance, { connections: 1 });
  try {
    const catalog = await store.readCatalog();
    return { loaded: ingestReport !== undefined, classes: catalog.classes.map((c) => c.description).sort() };
  } finally {
    await store.close();
  }
}

describe('DuckDB file reuse follows DATA_DIR', () => {
  const root = tempDir('duckdb-reload');
  const databasePath = path.join(root, 'gateway.duckdb');
  const first = path.join(root, 'first');
  const second = path.join(root, 'second');
  writeDataset(first, [['/m/01yrx', 'Cat']]);
  writeDataset(second, [['/m/0bt9lr', 'Dog']]);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('loads, reuses while the files are unchanged, reloads when DATA_DIR or a file changes', async () => {
    expect(await openAndClose({ dataDir: first, databasePath })).toEqual({ loaded: true, classes: ['Cat'] });
    expect(await openAndClose({ dataDir: first, databasePath })).toEqual({ loaded: false, classes: ['Cat'] });
    // DATA_DIR unset: whatever the file holds is served (the `npm run load` workflow).
    expect(await openAndClose({ databasePath })).toEqual({ loaded: false, classes: ['Cat'] });

    expect(await openAndClose({ dataDir: second, databasePath })).toEqual({ loaded: true, classes: ['Dog'] });

    writeDataset(second, [
      ['/m/0bt9lr', 'Dog'],
      ['/m/01g317', 'Person'],
    ]);
    expect(await openAndClose({ dataDir: second, databasePath })).toEqual({ loaded: true, classes: ['Dog', 'Person'] });
    expect(await openAndClose({ dataDir: second, databasePath })).toEqual({ loaded: false, classes: ['Dog', 'Person'] });
  });
});
