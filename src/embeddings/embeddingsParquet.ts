import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, FLOAT, LIST, listValue, type DuckDBConnection, type DuckDBListVector } from '@duckdb/node-api';

/** One image of an embeddings file; `path` is relative to the folder that was embedded. */
export interface EmbeddingRow {
  path: string;
  label: string | null;
}

/**
 * The content of a Parquet file written by `npm run embed`: columns `path`, `label`, `embedding`
 * (FLOAT[]), and `pca` (FLOAT[]) when a projection was fitted; key-value metadata describes the
 * backbone (so a reader can refuse vectors of another model) and the PCA.
 */
export interface EmbeddingTable {
  rows: EmbeddingRow[];
  dim: number;
  /** rows × dim, row-major. */
  embeddings: Float32Array;
  pca?: { k: number; values: Float32Array };
  metadata: Record<string, string>;
}

export const METADATA_KEYS = {
  backbone: 'backbone',
  embeddingDim: 'embedding_dim',
  pca: 'pca',
  createdBy: 'created_by',
} as const;

export async function writeEmbeddingsParquet(file: string, table: EmbeddingTable): Promise<void> {
  const { rows, dim, embeddings, pca } = table;
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = `${file}.partial-${process.pid}`;
  await withConnection(async (connection) => {
    await connection.run(`CREATE TABLE embeddings (path VARCHAR NOT NULL, label VARCHAR, embedding FLOAT[] NOT NULL${pca ? ', pca FLOAT[] NOT NULL' : ''})`);
    const appender = await connection.createAppender('embeddings');
    for (let r = 0; r < rows.length; r++) {
      appender.appendVarchar(rows[r].path);
      if (rows[r].label === null) appender.appendNull();
      else appender.appendVarchar(rows[r].label as string);
      appender.appendList(listValue(Array.from(embeddings.subarray(r * dim, (r + 1) * dim))), LIST(FLOAT));
      if (pca) appender.appendList(listValue(Array.from(pca.values.subarray(r * pca.k, (r + 1) * pca.k))), LIST(FLOAT));
      appender.endRow();
    }
    appender.closeSync();
    const metadata = Object.entries(table.metadata)
      .map(([key, value]) => `${identifier(key)}: ${literal(value)}`)
      .join(', ');
    await connection.run(`COPY embeddings TO ${literal(temporary)} (FORMAT parquet${metadata ? `, KV_METADATA {${metadata}}` : ''})`);
  });
  await fs.rename(temporary, file);
}

/** Reads one file, or several through a glob (e.g. the shards of one set), into memory. */
export async function readEmbeddingsParquet(fileOrGlob: string): Promise<EmbeddingTable> {
  const { rows, dim, vectors, metadata } = await readVectorColumn(fileOrGlob, 'embedding');
  return { rows, dim, embeddings: vectors, metadata };
}

export type VectorColumn = 'embedding' | 'pca';

/** The rows and one vector column (`embedding`, or `pca` for the projection alone), ordered by path. */
export async function readVectorColumn(
  fileOrGlob: string,
  column: VectorColumn,
): Promise<{ rows: EmbeddingRow[]; dim: number; vectors: Float32Array; metadata: Record<string, string> }> {
  return withConnection(async (connection) => {
    const metadataByFile = await readMetadata(connection, fileOrGlob);
    const [first, ...others] = [...metadataByFile.values()];
    if (!first) throw new Error(`${fileOrGlob}: no Parquet file with key-value metadata (files written by \`npm run embed\` have it)`);
    if (others.some((other) => other[METADATA_KEYS.backbone] !== first[METADATA_KEYS.backbone])) {
      throw new Error(`the files of ${fileOrGlob} were embedded with different backbones`);
    }
    const source = `read_parquet(${literal(fileOrGlob)}, union_by_name = true)`;
    const countReader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n, max(len(${column}))::INTEGER AS dim FROM ${source}`);
    const [n, dim] = countReader.getRows()[0] as [number, number | null];
    const rows: EmbeddingRow[] = [];
    const vectors = new Float32Array(n * (dim ?? 0));
    const result = await connection.stream(`SELECT path, label, ${column} FROM ${source} ORDER BY path`);
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      const paths = chunk.getColumnValues(0) as string[];
      const labels = chunk.getColumnValues(1) as Array<string | null>;
      const lists = chunk.getColumnVector(2) as DuckDBListVector;
      const values = lists.childVector;
      for (let i = 0; i < chunk.rowCount; i++) {
        if (lists.getEntryLength(i) !== dim) throw new Error(`${paths[i]}: ${column} has ${lists.getEntryLength(i)} values, others ${dim}`);
        const offset = lists.getEntryOffset(i);
        const target = rows.length * dim;
        for (let j = 0; j < dim; j++) vectors[target + j] = values.getItem(offset + j) as number;
        rows.push({ path: paths[i], label: labels[i] });
      }
    }
    return { rows, dim: dim ?? 0, vectors, metadata: first };
  });
}

/** The key-value metadata of a file (the first one, for a glob). */
export async function readEmbeddingsMetadata(fileOrGlob: string): Promise<Record<string, string>> {
  return withConnection(async (connection) => {
    const [first] = (await readMetadata(connection, fileOrGlob)).values();
    if (!first) throw new Error(`${fileOrGlob}: no Parquet file with key-value metadata (files written by \`npm run embed\` have it)`);
    return first;
  });
}

/** Key-value metadata of each file matched by `fileOrGlob`. */
async function readMetadata(connection: DuckDBConnection, fileOrGlob: string): Promise<Map<string, Record<string, string>>> {
  const reader = await connection.runAndReadAll(`SELECT file_name, decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${literal(fileOrGlob)}) ORDER BY file_name`);
  const byFile = new Map<string, Record<string, string>>();
  for (const [file, key, value] of reader.getRows() as Array<[string, string, string]>) {
    byFile.set(file, { ...byFile.get(file), [key]: value });
  }
  return byFile;
}

async function withConnection<T>(run: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await run(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

function identifier(key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new Error(`metadata key "${key}" must be a plain identifier`);
  return key;
}
