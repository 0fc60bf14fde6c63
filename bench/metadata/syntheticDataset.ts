import { createHash } from 'node:crypto';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Writes a synthetic Open Images dataset in the gateway layout (classes.csv, image_labels.csv,
 * relations.csv), generated inside DuckDB with `range()` so that millions of rows take seconds.
 *
 * Skew like the real data: class k of C is drawn as floor(C * u^4) (u uniform), so the first class
 * carries about C^(-1/4) of all labels (20% with 600 classes, 8% with 20k) and most classes are rare;
 * relation subjects come mostly from a few frequent classes, relation types from a skewed list.
 * Draws use `hash()` of the row numbers, so a size always gives the same data.
 */

export interface SyntheticSize {
  images: number;
  /** Average labels per image (each image has 1 to 2*avg-1). */
  labelsPerImage: number;
  relations: number;
  classes: number;
}

/** Class k (0 = most frequent, by construction) as label and description, for picking search inputs. */
export interface SyntheticNames {
  labelOf(rank: number): string;
  descriptionOf(rank: number): string;
}

export const syntheticNames = (): SyntheticNames => ({
  labelOf: (rank) => `/m/c${String(rank).padStart(5, '0')}`,
  descriptionOf: (rank) => `Class ${String(rank).padStart(5, '0')}`,
});

const RELATIONS = ['is', 'on', 'holds', 'plays', 'interacts_with', 'wears', 'at', 'inside_of', 'under', 'hits'];

/** uniform [0, 1) from the hash of the given SQL expressions */
const uniform = (...keys: string[]) => `((hash(${keys.join(', ')}) % 1000003) / 1000003.0)`;
const classLabel = (rankSql: string) => `printf('/m/c%05d', ${rankSql})`;

export async function writeSyntheticDataset(dir: string, size: SyntheticSize): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const file = (name: string) => `'${path.join(dir, name).replace(/'/g, "''")}'`;
  const imageId = (n: string) => `substr(md5((${n})::VARCHAR), 1, 16)`;
  const maxExtra = Math.max(0, 2 * size.labelsPerImage - 2);
  try {
    await connection.run(`COPY (
        SELECT ${classLabel('i')} AS Label, printf('Class %05d', i) AS Description FROM range(${size.classes}) t(i)
      ) TO ${file('classes.csv')} (HEADER, DELIMITER ',')`);
    await connection.run(`COPY (
        SELECT ${imageId('i')} AS ImageId,
               ${classLabel(`CAST(floor(${size.classes} * pow(${uniform('i', 'j', '1')}, 4)) AS BIGINT)`)} AS Label
        FROM (SELECT i, unnest(range(1 + CAST(round(${uniform('i', '0')} * ${maxExtra}) AS BIGINT))) AS j FROM range(${size.images}) t(i))
      ) TO ${file('image_labels.csv')} (HEADER, DELIMITER ',')`);
    await connection.run(`COPY (
        SELECT ${imageId(`hash(r, 7) % ${size.images}`)} AS ImageId,
               ${classLabel(`CAST(floor(least(20, ${size.classes}) * pow(${uniform('r', '2')}, 2)) AS BIGINT)`)} AS Label1,
               [${RELATIONS.map((r) => `'${r}'`).join(', ')}][1 + CAST(floor(${RELATIONS.length} * pow(${uniform('r', '3')}, 2)) AS BIGINT)] AS Relation,
               ${classLabel(`CAST(floor(${size.classes} * pow(${uniform('r', '4')}, 3)) AS BIGINT)`)} AS Label2
        FROM range(${size.relations}) t(r)
      ) TO ${file('relations.csv')} (HEADER, DELIMITER ',')`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The id the generator gives image number `n` (md5 of the decimal number, first 16 hex digits). */
export function syntheticImageId(n: number): string {
  return createHash('md5').update(String(n)).digest('hex').slice(0, 16);
}
