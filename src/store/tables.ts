/**
 * The tables of the metadata database, in one place: their names, and the statements that build the
 * derived tables from the three base tables (classes, image_labels, relations). ingest/ loads the base
 * tables and runs these; the stores only read them (queries.ts).
 */

export const TABLE_NAMES = ['classes', 'image_labels', 'relations', 'images', 'class_stats', 'relation_stats', 'label_words', 'small_numbers', 'relation_search'] as const;

export type TableName = (typeof TABLE_NAMES)[number];

/** How an engine names a table and clusters a created one (the part of a SqlDialect the DDL needs). */
export interface TableSpelling {
  table(name: TableName): string;
  /** Physical clustering of a created table (BigQuery reads only the blocks a filter needs); '' where the table's order does it. */
  clusterBy(columns: string[]): string;
}

/** Images per `label_words` word: 62 keeps every bit mask a positive INT64 in both engines. */
export const WORD_BITS = 62;

const digits = (count: number) => Array.from({ length: count }, (_, i) => `SELECT ${i} AS N`).join(' UNION ALL ');

/** Statements that (re)build the derived tables after the three base tables are loaded. */
export function derivedTableStatements(d: TableSpelling): string[] {
  return [
    `CREATE OR REPLACE TABLE ${d.table('images')} ${d.clusterBy(['ImageId'])} AS
       SELECT ImageId, ROW_NUMBER() OVER (ORDER BY ImageId) - 1 AS ImageNo
       FROM (SELECT ImageId FROM ${d.table('image_labels')} UNION DISTINCT SELECT ImageId FROM ${d.table('relations')})
       ORDER BY ImageId`,
    // 0..127: bit positions of a word, and match levels (a search names at most 100 classes).
    `CREATE OR REPLACE TABLE ${d.table('small_numbers')} AS
       SELECT low.N + 16 * high.N AS N FROM (${digits(16)}) AS low CROSS JOIN (${digits(8)}) AS high`,
    `CREATE OR REPLACE TABLE ${d.table('label_words')} ${d.clusterBy(['Label', 'Word'])} AS
       SELECT Label, Word, BIT_OR(Bit) AS Bits
       FROM (
         SELECT l.Label, CAST((i.ImageNo - MOD(i.ImageNo, ${WORD_BITS})) / ${WORD_BITS} AS INT64) AS Word,
                CAST(1 AS INT64) << MOD(i.ImageNo, ${WORD_BITS}) AS Bit
         FROM ${d.table('image_labels')} AS l JOIN ${d.table('images')} AS i ON i.ImageId = l.ImageId
       )
       GROUP BY Label, Word
       ORDER BY Label, Word`,
    // A relation whose class has no description is not searchable (inner joins), as before.
    `CREATE OR REPLACE TABLE ${d.table('relation_search')} ${d.clusterBy(['ImageId'])} AS
       SELECT DISTINCT r.ImageId, r.Label1, r.Relation, r.Label2,
              s.Description AS SubjectDescription, o.Description AS ObjectDescription,
              LOWER(s.Description) AS SubjectKey, LOWER(r.Relation) AS RelationKey, LOWER(o.Description) AS ObjectKey
       FROM ${d.table('relations')} AS r
       JOIN ${d.table('classes')} AS s ON s.Label = r.Label1
       JOIN ${d.table('classes')} AS o ON o.Label = r.Label2
       ORDER BY ImageId, SubjectDescription, Label1, Relation, ObjectDescription, Label2`,
    `CREATE OR REPLACE TABLE ${d.table('class_stats')} AS
       SELECT c.Label, c.Description, COUNT(DISTINCT l.ImageId) AS ImageCount
       FROM ${d.table('classes')} AS c LEFT JOIN ${d.table('image_labels')} AS l ON l.Label = c.Label
       GROUP BY c.Label, c.Description`,
    `CREATE OR REPLACE TABLE ${d.table('relation_stats')} AS
       SELECT Relation, COUNT(DISTINCT ImageId) AS ImageCount FROM ${d.table('relations')} GROUP BY Relation`,
  ];
}
