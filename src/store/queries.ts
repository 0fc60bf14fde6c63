import type { MatchMode, RelationPatterns, Slice } from './MetadataStore';
import { WORD_BITS, type TableSpelling } from './tables';

/**
 * The SQL both stores run. Each query is written once; a dialect supplies the few spellings that
 * differ between DuckDB and BigQuery Standard SQL (parameter markers, table names, list membership,
 * LIKE escaping). User input only ever travels as named parameters.
 *
 * Class searches do not group the label rows (millions for a frequent class) but work on bitmaps:
 * `images` numbers the images in id order (ImageNo), and `label_words` holds, per class, 62-bit words
 * of that numbering (bit b of word w set: image 62*w+b has the class). Counting, intersecting and
 * ordering then touch one row per word, and only the words of the requested page are expanded.
 */

export type SqlValue = string | number | string[];

export interface SqlQuery {
  sql: string;
  params: Record<string, SqlValue>;
}

/** A piece of SQL with the parameters it binds. */
export type SqlFragment = SqlQuery;

export interface SqlDialect extends TableSpelling {
  param(name: string): string;
  /** `column` is one of `values` (bound as parameters under `name`). */
  inList(column: string, name: string, values: readonly string[]): SqlFragment;
  /** `expr LIKE pattern` where `\` escapes `%`, `_` and itself, as BigQuery does by default. */
  like(expr: string, param: string): string;
}

export const bigQueryDialect = (dataset: string): SqlDialect => ({
  table: (name) => `\`${dataset}.${name}\``,
  param: (name) => `@${name}`,
  inList: (column, name, values) => ({ sql: `${column} IN UNNEST(@${name})`, params: { [name]: [...values] } }),
  like: (expr, param) => `${expr} LIKE @${param}`,
  clusterBy: (columns) => `CLUSTER BY ${columns.join(', ')}`,
});

export const duckDbDialect: SqlDialect = {
  table: (name) => name,
  param: (name) => `$${name}`,
  // One parameter per value, not a LIST parameter: DuckDB plans `IN (SELECT UNNEST($list))` as a hash
  // semi-join that scans the whole table, while an IN list is pushed into the scan (ART index, zone maps).
  inList: (column, name, values) =>
    values.length === 0
      ? { sql: 'FALSE', params: {} }
      : {
          sql: `${column} IN (${values.map((_, i) => `$${name}_${i}`).join(', ')})`,
          params: Object.fromEntries(values.map((value, i) => [`${name}_${i}`, value])),
        },
  like: (expr, param) => `${expr} LIKE $${param} ESCAPE '\\'`,
  clusterBy: () => '',
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
  const wanted = d.inList('ImageId', 'ids', ids);
  return { sql: `SELECT ImageId AS image_id FROM ${d.table('images')} WHERE ${wanted.sql}`, params: wanted.params };
}

export function labelsOfImagesQuery(d: SqlDialect, ids: readonly string[]): SqlQuery {
  const wanted = d.inList('ImageId', 'ids', ids);
  return {
    sql: `SELECT DISTINCT ImageId AS image_id, Label AS label FROM ${d.table('image_labels')} WHERE ${wanted.sql}`,
    params: wanted.params,
  };
}

export function relationsOfImagesQuery(d: SqlDialect, ids: readonly string[]): SqlQuery {
  const wanted = d.inList('ImageId', 'ids', ids);
  return {
    sql: `SELECT DISTINCT ImageId AS image_id, Label1 AS subject, Relation AS relation, Label2 AS object
          FROM ${d.table('relations')} WHERE ${wanted.sql}`,
    params: wanted.params,
  };
}

/** Each class as its own scalar parameter (`label_0`, ...), so a query can tell them apart. */
function labelParams(d: SqlDialect, labels: readonly string[]) {
  return {
    refs: labels.map((_, i) => d.param(`label_${i}`)),
    params: Object.fromEntries(labels.map((label, i) => [`label_${i}`, label])),
  };
}

const bitwiseXor = (a: string, b: string) => `((${a} | ${b}) & ~(${a} & ${b}))`;

/**
 * Expands the words of `source` (columns `mask`, `Word`, `before` = images ahead of the word, and the
 * `partition` columns) into one row per set bit: the image number and its position in the ordering.
 */
function expandWords(d: SqlDialect, source: string, partition: string[]): string {
  const keys = [...partition.map((c) => `w.${c}`), 'w.Word'].join(', ');
  return `SELECT ${partition.map((c) => `w.${c}, `).join('')}w.Word * ${WORD_BITS} + b.N AS ImageNo,
                 w.before + ROW_NUMBER() OVER (PARTITION BY ${keys} ORDER BY b.N) - 1 AS position
          FROM ${source} AS w CROSS JOIN ${d.table('small_numbers')} AS b
          WHERE b.N < ${WORD_BITS} AND ((w.mask >> b.N) & 1) = 1`;
}

/**
 * One row per page item plus the exact total; when the slice is past the end the single row
 * carries the total and null item columns.
 *
 * Per word, the requested classes' bit masks are added bit-sliced (plane t holds bit t of each
 * image's matched count), so the images matching exactly m classes are one mask per word and level.
 */
export function searchImagesQuery(d: SqlDialect, labels: readonly string[], match: MatchMode, slice: Slice): SqlQuery {
  const distinct = [...new Set(labels)];
  const k = distinct.length;
  const { refs, params } = labelParams(d, distinct);
  const planes = Math.max(1, Math.ceil(Math.log2(k + 1)));
  const plane = (t: number) => `p${t}`;
  const bitsOf = (from: number) =>
    distinct
      .slice(from)
      .map((_, j) => `, b${from + j}`)
      .join('');

  // label_words has one row per (Label, Word): one class needs no grouping.
  const classMasks =
    k === 1
      ? `SELECT Word, Bits AS b0 FROM ${d.table('label_words')} WHERE Label = ${refs[0]}`
      : `SELECT Word, ${refs.map((ref, j) => `BIT_OR(IF(Label = ${ref}, Bits, 0)) AS b${j}`).join(', ')}
         FROM ${d.table('label_words')} WHERE Label IN (${refs.join(', ')})
         GROUP BY Word ${match === 'ALL' ? `HAVING COUNT(*) = ${k}` : ''}`;
  const steps = [
    `class_masks AS (${classMasks})`,
    `sum0 AS (SELECT Word, ${Array.from({ length: planes }, (_, t) => `CAST(0 AS INT64) AS ${plane(t)}`).join(', ')}${bitsOf(0)} FROM class_masks)`,
  ];
  for (let j = 0; j < k; j += 1) {
    // Adding mask b: plane t flips where b and all lower planes are set (the carry reaching t).
    const added = Array.from({ length: planes }, (_, t) => {
      const carry = [`b${j}`, ...Array.from({ length: t }, (_, u) => plane(u))].join(' & ');
      return `${bitwiseXor(plane(t), `(${carry})`)} AS ${plane(t)}`;
    });
    steps.push(`sum${j + 1} AS (SELECT Word, ${added.join(', ')}${bitsOf(j + 1)} FROM sum${j})`);
  }
  const exactly = Array.from({ length: planes }, (_, t) => `IF(((lv.N >> ${t}) & 1) = 1, s.${plane(t)}, ~s.${plane(t)})`).join(' & ');
  const lowest = match === 'ALL' ? k : 1;

  return {
    sql: `WITH ${steps.join(',\n')},
          levels AS (
            SELECT s.Word, lv.N AS matched, (${exactly}) AS mask
            FROM sum${k} AS s CROSS JOIN ${d.table('small_numbers')} AS lv
            WHERE lv.N BETWEEN ${lowest} AND ${k}
          ),
          hits AS (SELECT Word, matched, mask, BIT_COUNT(mask) AS n FROM levels WHERE mask <> 0),
          first_words AS (SELECT Word, matched, mask, n FROM hits ORDER BY matched DESC, Word LIMIT ${d.param('window_end')}),
          placed AS (
            SELECT Word, matched, mask,
                   COALESCE(SUM(n) OVER (ORDER BY matched DESC, Word ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
            FROM first_words
          ),
          positioned AS (${expandWords(d, 'placed', ['matched'])}),
          page AS (
            SELECT x.matched, i.ImageId FROM positioned AS x JOIN ${d.table('images')} AS i ON i.ImageNo = x.ImageNo
            WHERE x.position >= ${d.param('offset')} AND x.position < ${d.param('window_end')}
          )
          SELECT t.total AS total, page.ImageId AS image_id, page.matched AS matched
          FROM (SELECT COALESCE(SUM(n), 0) AS total FROM hits) AS t
          LEFT JOIN page ON TRUE
          ORDER BY page.matched DESC, page.ImageId`,
    params: { ...params, offset: slice.offset, window_end: slice.offset + slice.limit },
  };
}

/** For each class, the images at positions [offset, offset + limit) in id order. */
export function imagesOfClassesQuery(d: SqlDialect, labels: readonly string[], slice: Slice): SqlQuery {
  const { refs, params } = labelParams(d, [...new Set(labels)]);
  return {
    sql: `WITH words AS (
            SELECT Label, Word, Bits AS mask, BIT_COUNT(Bits) AS n,
                   ROW_NUMBER() OVER (PARTITION BY Label ORDER BY Word) AS word_rank
            FROM ${d.table('label_words')} WHERE Label IN (${refs.join(', ')})
          ),
          placed AS (
            SELECT Label, Word, mask,
                   COALESCE(SUM(n) OVER (PARTITION BY Label ORDER BY Word ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
            FROM words WHERE word_rank <= ${d.param('window_end')}
          ),
          positioned AS (${expandWords(d, 'placed', ['Label'])})
          SELECT x.Label AS label, i.ImageId AS image_id
          FROM positioned AS x JOIN ${d.table('images')} AS i ON i.ImageNo = x.ImageNo
          WHERE x.position >= ${d.param('offset')} AND x.position < ${d.param('window_end')}
          ORDER BY x.Label, i.ImageId`,
    params: { ...params, offset: slice.offset, window_end: slice.offset + slice.limit },
  };
}

/**
 * Reads `relation_search`: the distinct relations joined with their class descriptions, lower-cased
 * once at load time and stored in this query's order, so a search is one filtered scan.
 */
export function searchRelationsQuery(d: SqlDialect, patterns: RelationPatterns, slice: Slice): SqlQuery {
  return {
    sql: `WITH matches AS (
            SELECT ImageId, Label1, Relation, Label2, SubjectDescription, ObjectDescription
            FROM ${d.table('relation_search')}
            WHERE ${d.like('SubjectKey', 'subject')}
              AND ${d.like('RelationKey', 'relation')}
              AND ${d.like('ObjectKey', 'object')}
          ),
          page AS (
            SELECT * FROM matches
            ORDER BY ImageId, SubjectDescription, Label1, Relation, ObjectDescription, Label2
            LIMIT ${d.param('limit')} OFFSET ${d.param('offset')}
          )
          SELECT t.total AS total, page.ImageId AS image_id, page.Label1 AS subject,
                 page.Relation AS relation, page.Label2 AS object
          FROM (SELECT COUNT(*) AS total FROM matches) AS t
          LEFT JOIN page ON TRUE
          ORDER BY page.ImageId, page.SubjectDescription, page.Label1, page.Relation, page.ObjectDescription, page.Label2`,
    params: {
      subject: patterns.subject.toLowerCase(),
      relation: patterns.relation.toLowerCase(),
      object: patterns.object.toLowerCase(),
      limit: slice.limit,
      offset: slice.offset,
    },
  };
}
