import '../fakes/bigquery/nativeClient';
import fs from 'node:fs';
import path from 'node:path';
import { BigQueryStore } from '../../src/store/bigquery/BigQueryStore';
import { prepareDuckDb } from '../../src/ingest/prepareDuckDb';
import { DuckDbStore } from '../../src/store/duckdb/DuckDbStore';
import type { MetadataStore } from '../../src/store/MetadataStore';
import { FakeBigQuery } from '../fakes/bigquery/FakeBigQuery';
import { tempDir, writeMalformedGatewayFixture, writeOfficialFixture } from './fixtures';
import { reportedRejects, runLoadScript, summaryCount } from './runLoadScript';

/** `npm run load` end to end: the built script as a process, into a DuckDB file and into the BigQuery fake. */

let fake: FakeBigQuery;
let work: string;
const opened: MetadataStore[] = [];
const duckDbFiles = new Map<string, Promise<MetadataStore>>();

const bigQueryEnv = (dataset: string) => ({ BIGQUERY_PROJECT: 'load-tests', BIGQUERY_DATASET: dataset, BIGQUERY_API_ENDPOINT: fake.url });

/** One store per database file: a file is opened by one DuckDB instance at a time. */
function openDuckDb(databasePath: string): Promise<MetadataStore> {
  if (!duckDbFiles.has(databasePath)) {
    duckDbFiles.set(
      databasePath,
      prepareDuckDb({ databasePath })
        .then(({ instance }) => DuckDbStore.open(instance, { connections: 1 }))
        .then((store) => (opened.push(store), store)),
    );
  }
  return duckDbFiles.get(databasePath)!;
}

function openBigQuery(dataset: string): MetadataStore {
  const store = BigQueryStore.connect({ project: 'load-tests', dataset, apiEndpoint: fake.url, timeoutMs: 20_000, maxRetries: 1 });
  opened.push(store);
  return store;
}

/** The same questions to both stores: a load into either target must serve the same answers. */
async function answers(store: MetadataStore, ids: string[], labels: string[]) {
  const sorted = <T>(items: T[]) => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return {
    catalog: await store.readCatalog(),
    images: sorted(await store.findImages(ids)),
    labels: sorted(await store.labelsOfImages(ids)),
    relations: sorted(await store.relationsOfImages(ids)),
    any: await store.searchImages(labels, 'ANY', { offset: 0, limit: 20 }),
    all: await store.searchImages(labels.slice(0, 2), 'ALL', { offset: 0, limit: 20 }),
    relationSearch: await store.searchRelations({ subject: '%', relation: '%', object: '%' }, { offset: 0, limit: 20 }),
  };
}

beforeAll(async () => {
  fake = await FakeBigQuery.start();
  work = tempDir('load-script');
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await fake?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('gateway layout with malformed rows', () => {
  let dir: string;
  let expectedRejects: string[];
  beforeAll(() => {
    dir = path.join(work, 'malformed');
    fs.mkdirSync(dir);
    expectedRejects = writeMalformedGatewayFixture(dir).rejected.sort();
  });

  test('--to duckdb loads the good rows and reports every malformed row with file and line', async () => {
    const databasePath = path.join(work, 'malformed.duckdb');
    const run = await runLoadScript(['--dir', dir, '--to', 'duckdb', '--duckdb-path', databasePath]);
    expect(run.code).toBe(0);
    expect(reportedRejects(run.stdout)).toEqual(expectedRejects);
    expect(run.stdout).toMatch(/rejected rows +7/);
    expect([summaryCount(run.stdout, 'classes'), summaryCount(run.stdout, 'image_labels'), summaryCount(run.stdout, 'relations'), summaryCount(run.stdout, 'images')]).toEqual([
      4, 5, 2, 6,
    ]);

    const store = await openDuckDb(databasePath);
    expect((await store.findImages(['img01', 'img02', 'img03', 'img06', 'img09', 'img10'])).sort()).toEqual(['img01', 'img10']);
    expect((await store.readCatalog()).classes.map((c) => c.description)).toEqual(['Cat', 'Coffee "cup"', 'Dog, domestic', 'Person']);
  });

  test('--to bigquery reports the same rows and serves the same answers as the DuckDB load', async () => {
    const run = await runLoadScript(['--dir', dir, '--to', 'bigquery', '--rows-per-job', '2'], bigQueryEnv('malformed'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('into bigquery (load-tests.malformed)');
    expect(reportedRejects(run.stdout)).toEqual(expectedRejects);
    expect(summaryCount(run.stdout, 'images')).toBe(6);
    // Five label rows in load jobs of two rows each.
    expect(fake.requests.filter((r) => r.path === '/upload/bigquery/v2/projects/load-tests/jobs').length).toBeGreaterThanOrEqual(3 + 1 + 1);

    const ids = ['img01', 'img04', 'img05', 'img06', 'img10', 'nope'];
    const labels = ['/m/01yrx', '/m/0bt9lr', '/m/01g317'];
    const duck = await openDuckDb(path.join(work, 'malformed.duckdb'));
    expect(await answers(openBigQuery('malformed'), ids, labels)).toEqual(await answers(duck, ids, labels));
  });

  test('--strict exits with status 2 when rows were malformed', async () => {
    const run = await runLoadScript(['--dir', dir, '--duckdb-path', path.join(work, 'strict.duckdb'), '--strict']);
    expect(run.code).toBe(2);
    expect(reportedRejects(run.stdout)).toEqual(expectedRejects);
  });
});

describe('official Open Images layout', () => {
  test('labels with Confidence 1 and the relationship columns load into both targets alike', async () => {
    const dir = path.join(work, 'official');
    fs.mkdirSync(dir);
    writeOfficialFixture(dir);
    const databasePath = path.join(work, 'official.duckdb');
    const toDuckDb = await runLoadScript(['--dir', dir, '--duckdb-path', databasePath]);
    const toBigQuery = await runLoadScript(['--dir', dir, '--to', 'bigquery'], bigQueryEnv('official'));
    for (const run of [toDuckDb, toBigQuery]) {
      expect(run.code).toBe(0);
      expect(reportedRejects(run.stdout)).toEqual(['test-annotations-human-imagelabels.csv:9']);
      expect(summaryCount(run.stdout, 'classes')).toBe(5);
      expect(summaryCount(run.stdout, 'images')).toBe(4);
      expect(summaryCount(run.stdout, 'relations')).toBe(2);
    }

    const duck = await openDuckDb(databasePath);
    const ids = ['000a1249af2bc5f0', '0011a1a8e6a1e2a3', '002b5a4bd1a9e9cd', '0030cc2d05bb9e9f'];
    const duckAnswers = await answers(duck, ids, ['/m/01yrx', '/m/0bt9lr']);
    expect(duckAnswers.labels).toEqual([
      { imageId: '000a1249af2bc5f0', label: '/m/01yrx' },
      { imageId: '0011a1a8e6a1e2a3', label: '/m/01g317' },
      { imageId: '0011a1a8e6a1e2a3', label: '/m/02p5f1q' },
      { imageId: '002b5a4bd1a9e9cd', label: '/m/0bt9lr' },
    ]);
    expect(duckAnswers.relationSearch.items).toEqual([
      { imageId: '0011a1a8e6a1e2a3', subject: '/m/01g317', relation: 'holds', object: '/m/02p5f1q' },
      { imageId: '0030cc2d05bb9e9f', subject: '/m/01g317', relation: 'on', object: '/m/0199g' },
    ]);
    expect(duckAnswers.catalog.classes.find((c) => c.label === '/m/01yrx')).toEqual({ label: '/m/01yrx', description: 'Cat', imageCount: 1 });
    expect(await answers(openBigQuery('official'), ids, ['/m/01yrx', '/m/0bt9lr'])).toEqual(duckAnswers);
  });

  test('class descriptions without a header line (class-descriptions-boxable.csv)', async () => {
    const dir = path.join(work, 'official-no-header');
    fs.mkdirSync(dir);
    writeOfficialFixture(dir, { classHeader: false });
    const run = await runLoadScript(['--dir', dir, '--duckdb-path', path.join(work, 'no-header.duckdb')]);
    expect(run.code).toBe(0);
    expect(summaryCount(run.stdout, 'classes')).toBe(5);
  });
});

describe('refusals', () => {
  test('a header that does not fit the layout stops the load, naming the file', async () => {
    const dir = path.join(work, 'swapped');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'classes.csv'), 'Label,Description\n/m/01yrx,Cat\n');
    fs.writeFileSync(path.join(dir, 'image_labels.csv'), 'Label,ImageId\n/m/01yrx,img1\n');
    for (const target of ['duckdb', 'bigquery']) {
      const run = await runLoadScript(['--dir', dir, '--to', target, '--duckdb-path', path.join(work, 'swapped.duckdb')], bigQueryEnv('swapped'));
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: load failed: Unexpected header in .*image_labels\.csv: expected "ImageId,Label", found "Label,ImageId"\n$/);
    }
  });

  test('--help prints the usage; usage errors and a missing folder print one line and the usage, exit 2', async () => {
    const help = await runLoadScript(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: npm run load/);
    for (const [args, message] of [
      [['--to', 'duckdb'], '--dir is required'],
      [['--dir', work, '--to', 'sqlite'], '--to must be duckdb or bigquery, got "sqlite"'],
      [['--dir', path.join(work, 'missing')], `--dir ${path.join(work, 'missing')}: no such directory`],
      [['--dir', work, '--bogus'], 'unknown option --bogus'],
    ] as const) {
      const run = await runLoadScript([...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.split('\n')[0]).toBe(`error: ${message}`);
      expect(run.stderr).toContain('usage: npm run load');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
