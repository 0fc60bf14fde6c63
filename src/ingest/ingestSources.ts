import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DatasetLayout } from './datasetLayout';

/**
 * What a DuckDB database was loaded from: each source file's absolute path, size and modification
 * time, kept in the database itself (table `ingest_sources`). A database file outlives the gateway
 * process; comparing this record with the files DATA_DIR names now tells a restart whether the tables
 * still hold that data or must be reloaded.
 */
export interface SourceFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export const SOURCES_TABLE = 'ingest_sources';

/** The files of a layout as they are on disk now, sorted by path. */
export function describeSources(layout: DatasetLayout): SourceFile[] {
  const paths = [layout.classes, layout.imageLabels, layout.relations].flatMap((files) => files?.paths ?? []);
  return paths
    .map((file) => {
      const stats = fs.statSync(file);
      return { path: path.resolve(file), size: stats.size, mtimeMs: Math.round(stats.mtimeMs) };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export async function writeSources(connection: DuckDBConnection, sources: SourceFile[]): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${SOURCES_TABLE} (path VARCHAR, size BIGINT, mtime_ms BIGINT)`);
  for (const source of sources) {
    await connection.run(`INSERT INTO ${SOURCES_TABLE} VALUES ($path, $size, $mtime)`, {
      path: source.path,
      size: BigInt(source.size),
      mtime: BigInt(source.mtimeMs),
    });
  }
}

/** The recorded sources, or undefined for a database loaded before they were recorded. */
export async function readSources(connection: DuckDBConnection): Promise<SourceFile[] | undefined> {
  const exists = await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM duckdb_tables() WHERE table_name = '${SOURCES_TABLE}'`);
  if (Number(exists.getRowObjectsJS()[0].n) === 0) return undefined;
  const reader = await connection.runAndReadAll(`SELECT path, size, mtime_ms FROM ${SOURCES_TABLE} ORDER BY path`);
  return reader.getRowObjectsJS().map((row) => ({ path: String(row.path), size: Number(row.size), mtimeMs: Number(row.mtime_ms) }));
}

/** Why `recorded` does not describe `current` (one short phrase), or undefined when they match. */
export function sourcesDiffer(recorded: SourceFile[] | undefined, current: SourceFile[]): string | undefined {
  if (!recorded) return 'the database does not record what it was loaded from';
  const before = new Map(recorded.map((file) => [file.path, file]));
  const now = new Map(current.map((file) => [file.path, file]));
  for (const file of current) {
    const old = before.get(file.path);
    if (!old) return `new source file ${file.path}`;
    if (old.size !== file.size) return `${file.path} changed size (${old.size} -> ${file.size} bytes)`;
    if (old.mtimeMs !== file.mtimeMs) return `${file.path} was modified (${new Date(old.mtimeMs).toISOString()} -> ${new Date(file.mtimeMs).toISOString()})`;
  }
  const gone = recorded.find((file) => !now.has(file.path));
  return gone ? `source file ${gone.path} is no longer in DATA_DIR` : undefined;
}
