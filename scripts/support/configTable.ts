import type { ConfigVariable } from '../../src/config';

/** The markers around the generated table in README.md's "Configuration" section. */
export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';

/** The README's configuration table, one row per variable spec (src/config/variables/). */
export function renderConfigTable(variables: readonly ConfigVariable[]): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|');
  const rows = variables.map((variable) => `| \`${variable.name}\` | ${cell(variable.default)} | ${cell(variable.description)} |`);
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with the text between the markers replaced by the generated table; throws when a marker is missing. */
export function replaceConfigTable(readme: string, variables: readonly ConfigVariable[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${TABLE_START} ... ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderConfigTable(variables)}\n${readme.slice(end)}`;
}
