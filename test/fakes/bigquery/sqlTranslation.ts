/**
 * Translates the subset of BigQuery Standard SQL the gateway sends into DuckDB SQL, token by token
 * so that string literals and comments are never rewritten:
 * - `` `project.dataset.table` `` (or `` `dataset.table` ``) -> `"project.dataset"."table"`;
 * - `@name` -> `$name`;
 * - `x IN UNNEST(<array>)` -> `x IN (SELECT UNNEST(<array>))`;
 * - `LIKE <pattern>` -> `LIKE <pattern> ESCAPE '\'` (BigQuery's LIKE escapes with a backslash, DuckDB's has no default);
 * - BigQuery string literals ('..' or ".." with backslash escapes) -> DuckDB '..' literals;
 * - `CLUSTER BY ...` of CREATE TABLE is dropped (a storage hint DuckDB has no syntax for).
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
