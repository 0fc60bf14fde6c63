import { translateStandardSql } from './sqlTranslation';

/** The fake's BigQuery -> DuckDB rewriting must leave literals and comments alone. */

test('qualified table names, parameters, UNNEST membership and LIKE escapes', () => {
  expect(translateStandardSql('SELECT a FROM `p.d.t` WHERE a IN UNNEST(@ids) AND b LIKE @pat', 'x')).toBe(
    `SELECT a FROM "p.d"."t" WHERE a IN (SELECT UNNEST($ids)) AND b LIKE $pat ESCAPE '\\'`,
  );
  expect(translateStandardSql('SELECT * FROM `d.t`', 'proj')).toBe('SELECT * FROM "proj.d"."t"');
  expect(translateStandardSql('SELECT * FROM t WHERE LOWER(x) NOT LIKE LOWER(@p)', 'x')).toBe(`SELECT * FROM t WHERE LOWER(x) NOT LIKE LOWER($p) ESCAPE '\\'`);
});

test('CLUSTER BY of CREATE TABLE ... AS is dropped', () => {
  expect(translateStandardSql('CREATE OR REPLACE TABLE `p.d.t` CLUSTER BY Label, Word AS SELECT 1 AS x', 'p')).toBe('CREATE OR REPLACE TABLE "p.d"."t" AS SELECT 1 AS x');
});

test('string literals are decoded from BigQuery escapes and never rewritten', () => {
  expect(translateStandardSql(`SELECT 'it\\'s @not_a_param', "\`not a table\`", 'a\\nb' -- @comment`, 'x')).toBe(
    `SELECT 'it''s @not_a_param', '\`not a table\`', 'a\nb' -- @comment`,
  );
});

test('malformed SQL is refused, as BigQuery refuses it', () => {
  expect(() => translateStandardSql("SELECT 'open", 'x')).toThrow(/Unclosed string/);
  expect(() => translateStandardSql('SELECT `open', 'x')).toThrow(/Unclosed identifier/);
  expect(() => translateStandardSql('SELECT @', 'x')).toThrow(/parameter marker/);
});

test('VECTOR_SEARCH becomes an exact k-nearest search per query row; CREATE VECTOR INDEX is accepted', () => {
  const sql = "SELECT base.path, distance FROM VECTOR_SEARCH(TABLE `p.d.emb`, 'pca', (SELECT @query AS pca), top_k => 3, distance_type => 'COSINE') ORDER BY distance";
  expect(translateStandardSql(sql, 'x')).toBe(
    'SELECT base.path, distance FROM (SELECT query, base, distance FROM (SELECT vs_query AS query, vs_base AS base, ' +
      '1 - list_cosine_similarity(CAST(vs_base."pca" AS DOUBLE[]), CAST(vs_query."pca" AS DOUBLE[])) AS distance ' +
      'FROM "p.d"."emb" AS vs_base, (SELECT $query AS pca) AS vs_query) QUALIFY row_number() OVER (PARTITION BY query ORDER BY distance) <= 3) ORDER BY distance',
  );
  expect(translateStandardSql("SELECT * FROM VECTOR_SEARCH(TABLE `d.e`, 'v', TABLE `d.q`, 'w', top_k => 2)", 'p')).toMatch(
    /list_distance\(CAST\(vs_base\."v" AS DOUBLE\[\]\), CAST\(vs_query\."w" AS DOUBLE\[\]\)\).*FROM "p\.d"\."e" AS vs_base, "p\.d"\."q" AS vs_query/,
  );
  expect(() => translateStandardSql("SELECT * FROM VECTOR_SEARCH(TABLE t, 'v', TABLE q, top_k => @k)", 'p')).toThrow(/top_k must be an integer literal/);
  expect(translateStandardSql("CREATE VECTOR INDEX i ON `d.e`(pca) OPTIONS (index_type = 'IVF', distance_type = 'COSINE')", 'p')).toBe('SELECT 1 WHERE false');
});
