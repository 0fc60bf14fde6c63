/**
 * Translates the subset of BigQuery Standard SQL the gateway sends into DuckDB SQL, token by token
 * so that string literals and comments are never rewritten:
 * - `` `project.dataset.table` `` (or `` `dataset.table` ``) -> `"project.dataset"."table"`;
 * - `@name` -> `$name`;
 * - `x IN UNNEST(<array>)` -> `x IN (SELECT UNNEST(<array>))`;
 * - `LIKE <pattern>` -> `LIKE <pattern> ESCAPE '\'` (BigQuery's LIKE escapes with a backslash, DuckDB's has no default);
 * - BigQuery string literals ('..' or ".." with backslash escapes) -> DuckDB '..' literals;
 * - `CLUSTER BY ...` of CREATE TABLE is dropped (a storage hint DuckDB has no syntax for);
 * - `VECTOR_SEARCH(TABLE t | (query), 'column', TABLE q | (query), ['query column'], top_k => k,
 *   distance_type => 'COSINE' | 'EUCLIDEAN' | 'DOT_PRODUCT', options => ...)` -> an exact search: every
 *   base row scored against every query row, the k nearest per query row, as columns `query`, `base`
 *   (structs of the rows) and `distance` (BigQuery's columns; a vector index only makes it approximate);
 * - `CREATE [OR REPLACE] VECTOR INDEX ...` succeeds doing nothing (exact search needs no index).
 * Anything else passes through; DuckDB reports what it does not understand.
 */

export class UnsupportedSqlError extends Error {
  override name = 'UnsupportedSqlError';
}

type TokenKind = 'space' | 'comment' | 'string' | 'backtick' | 'param' | 'word' | 'symbol';

interface Token {
  kind: TokenKind;
  text: string;
  /** For strings: the decoded value; for backticks: the identifier inside. */
  value?: string;
}

/** DuckDB schema holding one BigQuery dataset: the dataset's full `project.dataset` name. */
export const schemaOfDataset = (project: string, dataset: string) => `${project}.${dataset}`;

export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function translateStandardSql(sql: string, defaultProject: string): string {
  const tokens = tokenize(sql);
  if (/^\s*CREATE\s+(OR\s+REPLACE\s+)?VECTOR\s+INDEX\b/i.test(sql)) return 'SELECT 1 WHERE false';
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    switch (token.kind) {
      case 'backtick':
        out.push(tableReference(token.value ?? '', defaultProject));
        break;
      case 'param':
        out.push(`$${token.text.slice(1)}`);
        break;
      case 'string':
        out.push(`'${(token.value ?? '').replace(/'/g, "''")}'`);
        break;
      case 'word': {
        const upper = token.text.toUpperCase();
        if (upper === 'UNNEST' && previousWord(tokens, i) === 'IN') {
          const end = closingParen(tokens, nextSignificant(tokens, i));
          out.push('(SELECT UNNEST', translateStandardSql(joinText(tokens, nextSignificant(tokens, i), end + 1), defaultProject), ')');
          i = end;
        } else if (upper === 'VECTOR_SEARCH' && tokens[nextSignificant(tokens, i)].text === '(') {
          const open = nextSignificant(tokens, i);
          const end = closingParen(tokens, open);
          out.push(vectorSearch(tokens, open, end, defaultProject));
          i = end;
        } else if (upper === 'CLUSTER' && nextWord(tokens, i) === 'BY') {
          // Storage layout only: DuckDB has no clustering clause; skip up to the AS of CREATE TABLE ... AS.
          i = indexOfWord(tokens, i, 'AS') - 1;
        } else if (upper === 'LIKE') {
          const start = nextSignificant(tokens, i);
          const end = operandEnd(tokens, start);
          out.push('LIKE ', translateStandardSql(joinText(tokens, start, end + 1), defaultProject), " ESCAPE '\\'");
          i = end;
        } else {
          out.push(token.text);
        }
        break;
      }
      default:
        out.push(token.text);
    }
  }
  return out.join('');
}

function tableReference(identifier: string, defaultProject: string): string {
  const parts = identifier.split('.');
  if (parts.length === 3) return `${quoteIdentifier(schemaOfDataset(parts[0], parts[1]))}.${quoteIdentifier(parts[2])}`;
  if (parts.length === 2) return `${quoteIdentifier(schemaOfDataset(defaultProject, parts[0]))}.${quoteIdentifier(parts[1])}`;
  return quoteIdentifier(identifier);
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const rest = sql.slice(i);
    if (/\s/.test(c)) {
      const m = /^\s+/.exec(rest)!;
      tokens.push({ kind: 'space', text: m[0] });
    } else if (rest.startsWith('--') || c === '#') {
      const end = sql.indexOf('\n', i);
      tokens.push({ kind: 'comment', text: end < 0 ? rest : sql.slice(i, end) });
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new UnsupportedSqlError('Unclosed comment');
      tokens.push({ kind: 'comment', text: sql.slice(i, end + 2) });
    } else if (c === "'" || c === '"') {
      tokens.push(readString(sql, i));
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) throw new UnsupportedSqlError('Unclosed identifier quote');
      tokens.push({ kind: 'backtick', text: sql.slice(i, end + 1), value: sql.slice(i + 1, end) });
    } else if (c === '@') {
      const m = /^@[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
      if (!m) throw new UnsupportedSqlError(`Unsupported parameter marker at ${i}`);
      tokens.push({ kind: 'param', text: m[0] });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)!;
      tokens.push({ kind: 'word', text: m[0] });
    } else {
      tokens.push({ kind: 'symbol', text: c });
    }
    i += tokens[tokens.length - 1].text.length;
  }
  return tokens;
}

const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '\\': '\\', "'": "'", '"': '"', '`': '`', '?': '?' };

/** A BigQuery quoted string: backslash escapes, no doubling of the quote. */
function readString(sql: string, start: number): Token {
  const quote = sql[start];
  let value = '';
  let i = start + 1;
  while (i < sql.length && sql[i] !== quote) {
    if (sql[i] === '\\') {
      const next = sql[i + 1];
      if (next === undefined) break;
      if (next === 'u' || next === 'U' || next === 'x') {
        const length = next === 'u' ? 4 : next === 'U' ? 8 : 2;
        value += String.fromCodePoint(parseInt(sql.slice(i + 2, i + 2 + length), 16));
        i += 2 + length;
        continue;
      }
      if (!(next in escapes)) throw new UnsupportedSqlError(`Illegal escape sequence: \\${next}`);
      value += escapes[next];
      i += 2;
    } else {
      value += sql[i];
      i += 1;
    }
  }
  if (sql[i] !== quote) throw new UnsupportedSqlError('Unclosed string literal');
  return { kind: 'string', text: sql.slice(start, i + 1), value };
}

function nextSignificant(tokens: Token[], from: number): number {
  let i = from + 1;
  while (i < tokens.length && (tokens[i].kind === 'space' || tokens[i].kind === 'comment')) i += 1;
  if (i >= tokens.length) throw new UnsupportedSqlError('Unexpected end of statement');
  return i;
}

function previousWord(tokens: Token[], from: number): string | undefined {
  let i = from - 1;
  while (i >= 0 && (tokens[i].kind === 'space' || tokens[i].kind === 'comment')) i -= 1;
  return i >= 0 && tokens[i].kind === 'word' ? tokens[i].text.toUpperCase() : undefined;
}

function nextWord(tokens: Token[], from: number): string | undefined {
  const i = nextSignificant(tokens, from);
  return tokens[i].kind === 'word' ? tokens[i].text.toUpperCase() : undefined;
}

function indexOfWord(tokens: Token[], from: number, word: string): number {
  for (let i = from; i < tokens.length; i += 1) if (tokens[i].kind === 'word' && tokens[i].text.toUpperCase() === word) return i;
  throw new UnsupportedSqlError(`Expected ${word} after position ${from}`);
}

function closingParen(tokens: Token[], open: number): number {
  if (tokens[open].text !== '(') throw new UnsupportedSqlError('Expected ( after UNNEST');
  let depth = 0;
  for (let i = open; i < tokens.length; i += 1) {
    if (tokens[i].text === '(') depth += 1;
    if (tokens[i].text === ')') depth -= 1;
    if (depth === 0) return i;
  }
  throw new UnsupportedSqlError('Unbalanced parentheses');
}

/** The LIKE operand: one token, or a function call with its parenthesised arguments. */
function operandEnd(tokens: Token[], start: number): number {
  const afterName = start + 1;
  if (tokens[start].kind === 'word' && tokens[afterName]?.text === '(') return closingParen(tokens, afterName);
  if (tokens[start].text === '(') return closingParen(tokens, start);
  return start;
}

function joinText(tokens: Token[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((t) => t.text)
    .join('');
}

const DISTANCES: Record<string, (base: string, query: string) => string> = {
  COSINE: (b, q) => `1 - list_cosine_similarity(${b}, ${q})`,
  EUCLIDEAN: (b, q) => `list_distance(${b}, ${q})`,
  DOT_PRODUCT: (b, q) => `-list_inner_product(${b}, ${q})`,
};

/** VECTOR_SEARCH's arguments (tokens open..end, the parentheses) as an exact-search subquery. */
function vectorSearch(tokens: Token[], open: number, end: number, defaultProject: string): string {
  const positional: Token[][] = [];
  const named: Record<string, Token[]> = {};
  for (const argument of splitArguments(tokens, open, end)) {
    const significant = argument.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
    if (significant.length >= 3 && significant[0].kind === 'word' && significant[1].text === '=' && significant[2].text === '>') {
      named[significant[0].text.toLowerCase()] = significant.slice(3);
    } else positional.push(argument);
  }
  if (positional.length < 3) throw new UnsupportedSqlError('VECTOR_SEARCH needs a base table, a column and a query table');
  const source = (argument: Token[]) => {
    const text = joinText(argument, 0, argument.length).trim();
    const table = /^TABLE\s+([\s\S]+)$/i.exec(text);
    return table ? translateStandardSql(table[1], defaultProject) : translateStandardSql(text, defaultProject);
  };
  const stringArgument = (argument: Token[] | undefined, what: string) => {
    const token = argument?.find((t) => t.kind !== 'space' && t.kind !== 'comment');
    if (token?.kind !== 'string') throw new UnsupportedSqlError(`VECTOR_SEARCH: ${what} must be a string literal`);
    return token.value ?? '';
  };
  const column = stringArgument(positional[1], 'column_to_search');
  const queryColumn = positional[3] ? stringArgument(positional[3], 'query_column_to_search') : column;
  const topKText = named.top_k?.map((t) => t.text).join('') ?? '10';
  if (!/^\d+$/.test(topKText)) throw new UnsupportedSqlError(`VECTOR_SEARCH: top_k must be an integer literal, got ${topKText}`);
  const distanceType = named.distance_type ? stringArgument(named.distance_type, 'distance_type').toUpperCase() : 'EUCLIDEAN';
  const distance = DISTANCES[distanceType];
  if (!distance) throw new UnsupportedSqlError(`VECTOR_SEARCH: unknown distance_type ${distanceType}`);
  const base = `CAST(vs_base.${quoteIdentifier(column)} AS DOUBLE[])`;
  const query = `CAST(vs_query.${quoteIdentifier(queryColumn)} AS DOUBLE[])`;
  return (
    `(SELECT query, base, distance FROM (SELECT vs_query AS query, vs_base AS base, ${distance(base, query)} AS distance ` +
    `FROM ${source(positional[0])} AS vs_base, ${source(positional[2])} AS vs_query) ` +
    `QUALIFY row_number() OVER (PARTITION BY query ORDER BY distance) <= ${topKText})`
  );
}

/** The comma-separated arguments between an opening parenthesis and its closing one, at depth 1. */
function splitArguments(tokens: Token[], open: number, end: number): Token[][] {
  const argumentsFound: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < end; i += 1) {
    const text = tokens[i].text;
    if (text === '(') depth += 1;
    if (text === ')') depth -= 1;
    if (text === ',' && depth === 0) argumentsFound.push([]);
    else argumentsFound[argumentsFound.length - 1].push(tokens[i]);
  }
  return argumentsFound;
}
