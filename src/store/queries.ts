import type { MatchMode, RelationPatterns, Slice } from './MetadataStore';

/**
 * The SQL both stores run. Each query is written once; a dialect supplies the few spellings that
 * differ between DuckDB and BigQuery Standard SQL (parameter markers, table names, array membership,
 * LIKE escaping). User input only ever travels as named parameters.
 */

export type TableName = 'classes' | 'image_labels' | 'relations' | 'images' | 'class_stats' | 'relation_stats';

export interface SqlDialect {
  table(name: TableName): string;
  param(name: string): string;
  /** `column` is one of the values of the array parameter `param`. */
  inArray(column: string, param: string): string;
  /** `expr LIKE pattern` where `\` escapes `%`, `_` and itself, as BigQuery does by default. */
  like(expr: string, param: string): string;
}

export type SqlValue = string | number | string[];

export interface SqlQuery {
  sql: string;
  params: Record<string, SqlValue>;
}

export const bigQueryDialect = (dataset: string): SqlDialect => ({
  table: (name) => `\`${dataset}.${name}\``,
  param: (name) => `@${name}`,
  inArray: (column, param) => `${column} IN UNNEST(@${param})`,
  like: (expr, param) => `${expr} LIKE @${param}`,
});

export const duckDbDialect: SqlDialect = {
  table: (name) => name,
  param: (name) => `$${name}`,
  inArray: (column, param) => `${column} IN (SELECT UNNEST($${param}))`,
  like: (expr, param) => `${expr} LIKE $${param} ESCAPE '\\'`,
};

export function catalogClassesQuery(d: SqlDialect): SqlQuery {
  return {
    sql: `SELECT Label AS label, Description AS description, ImageCount AS image_count
          FROM ${d.table('class_stats')} ORDER BY Description, Label`,
    params: {},
  };
}

export function catalogRelationTypesQuery(d: SqlDialect): SqlQuery {
  return {
    sql: `SELECT Relation AS name, ImageCount AS image_count FROM ${d.table('relation_stats')} ORDER BY Relation`,
    params: {},
  };
}

export function findImagesQuery(d: SqlDialect, ids: readonly string[]): SqlQuery {
  return {
    sql: `SELECT ImageId AS image_id FROM ${d.table('images')} WHERE ${d.inArray('ImageId', 'ids')}`,
    params: { ids: [...ids] },
  };
}

export function labelsOfImagesQuery(d: SqlDialect, ids: readonly string[]): SqlQuery {
  return {
    sql: `SELECT DISTINCT ImageId AS image_id, Label AS label FROM ${d.table('image_labels')}
          WHERE ${d.inArray('ImageId', 'ids')}`,
    params: { ids: [...ids] },
  };
}

export function relationsOfImagesQuery(d: SqlDialect, ids: readonly string[]): SqlQuery {
  return {
    sql: `SELECT DISTINCT ImageId AS image_id, Label1 AS subject, Relation AS relation, Label2 AS object
          FROM ${d.table('relations')} WHERE ${d.inArray('ImageId', 'ids')}`,
    params: { ids: [...ids] },
  };
}

/**
 * One row per page item plus the exact total; when the slice is past the end the single row
 * carries the total and null item columns.
 */
export function searchImagesQuery(d: SqlDialect, labels: readonly string[], match: MatchMode, slice: Slice): SqlQuery {
  const distinct = [...new Set(labels)];
  const having = match === 'ALL' ? `HAVING COUNT(DISTINCT Label) = ${d.param('required')}` : '';
  return {
    sql: `WITH hits AS (
            SELECT ImageId, COUNT(DISTINCT Label) AS matched
            FROM ${d.table('image_labels')}
            WHERE ${d.inArray('Label', 'labels')}
            GROUP BY ImageId
            ${having}
          ),
          page AS (
            SELECT ImageId, matched FROM hits
            ORDER BY matched DESC, ImageId
            LIMIT ${d.param('limit')} OFFSET ${d.param('offset')}
          )
          SELECT t.total AS total, page.ImageId AS image_id, page.matched AS matched
          FROM (SELECT COUNT(*) AS total FROM hits) AS t
          LEFT JOIN page ON TRUE
          ORDER BY page.matched DESC, page.ImageId`,
    params: {
      labels: distinct,
      ...(match === 'ALL' ? { required: distinct.length } : {}),
      limit: slice.limit,
      offset: slice.offset,
    },
  };
}

export function imagesOfClassesQuery(d: SqlDialect, labels: readonly string[], slice: Slice): SqlQuery {
  return {
    sql: `WITH labelled AS (
            SELECT DISTINCT Label, ImageId FROM ${d.table('image_labels')} WHERE ${d.inArray('Label', 'labels')}
          ),
          ranked AS (
            SELECT Label, ImageId, ROW_NUMBER() OVER (PARTITION BY Label ORDER BY ImageId) AS position
            FROM labelled
          )
          SELECT Label AS label, ImageId AS image_id FROM ranked
          WHERE position > ${d.param('offset')} AND position <= ${d.param('offset')} + ${d.param('limit')}
          ORDER BY Label, ImageId`,
    params: { labels: [...new Set(labels)], offset: slice.offset, limit: slice.limit },
  };
}

export function searchRelationsQuery(d: SqlDialect, patterns: RelationPatterns, slice: Slice): SqlQuery {
  return {
    sql: `WITH matches AS (
            SELECT DISTINCT r.ImageId, r.Label1, r.Relation, r.Label2,
                   s.Description AS subject_description, o.Description AS object_description
            FROM ${d.table('relations')} AS r
            JOIN ${d.table('classes')} AS s ON s.Label = r.Label1
            JOIN ${d.table('classes')} AS o ON o.Label = r.Label2
            WHERE ${d.like('LOWER(s.Description)', 'subject')}
              AND ${d.like('LOWER(r.Relation)', 'relation')}
              AND ${d.like('LOWER(o.Description)', 'object')}
          ),
          page AS (
            SELECT * FROM matches
            ORDER BY ImageId, subject_description, Label1, Relation, object_description, Label2
            LIMIT ${d.param('limit')} OFFSET ${d.param('offset')}
          )
          SELECT t.total AS total, page.ImageId AS image_id, page.Label1 AS subject,
                 page.Relation AS relation, page.Label2 AS object
          FROM (SELECT COUNT(*) AS total FROM matches) AS t
          LEFT JOIN page ON TRUE
          ORDER BY page.ImageId, page.subject_description, page.Label1, page.Relation, page.object_description, page.Label2`,
    params: {
      subject: patterns.subject.toLowerCase(),
      relation: patterns.relation.toLowerCase(),
      object: patterns.object.toLowerCase(),
      limit: slice.limit,
      offset: slice.offset,
    },
  };
}

/** Statements that (re)build the derived tables after the three base tables are loaded. */
export function derivedTableStatements(d: SqlDialect): string[] {
  return [
    `CREATE OR REPLACE TABLE ${d.table('images')} AS
       SELECT ImageId FROM (SELECT ImageId FROM ${d.table('image_labels')} UNION DISTINCT SELECT ImageId FROM ${d.table('relations')})
       ORDER BY ImageId`,
    `CREATE OR REPLACE TABLE ${d.table('class_stats')} AS
       SELECT c.Label, c.Description, COUNT(DISTINCT l.ImageId) AS ImageCount
       FROM ${d.table('classes')} AS c LEFT JOIN ${d.table('image_labels')} AS l ON l.Label = c.Label
       GROUP BY c.Label, c.Description`,
    `CREATE OR REPLACE TABLE ${d.table('relation_stats')} AS
       SELECT Relation, COUNT(DISTINCT ImageId) AS ImageCount FROM ${d.table('relations')} GROUP BY Relation`,
  ];
}
