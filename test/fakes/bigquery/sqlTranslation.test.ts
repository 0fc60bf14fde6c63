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
