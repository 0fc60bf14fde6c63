import { BigQuery } from '@google-cloud/bigquery';
import type { QueryParameter } from '@google-cloud/bigquery';
import type { SqlValue } from '../queries';

/**
 * The store's parameters as BigQuery named query parameters, encoded by the client itself
 * (`valueToQueryParameter_`, what `query({params, types})` uses). Types are always given: an empty
 * array has no element to infer its type from, and a JS number would otherwise become FLOAT64.
 */
export function toNamedParameters(params: Record<string, SqlValue>): QueryParameter[] {
  return Object.entries(params).map(([name, value]) => {
    let type: string | string[];
    if (Array.isArray(value)) type = ['STRING'];
    else if (typeof value === 'number') {
      if (!Number.isInteger(value)) throw new TypeError(`Query parameter ${name} must be an integer, got ${value}`);
      type = 'INT64';
    } else type = 'STRING';
    const parameter = BigQuery.valueToQueryParameter_(value, type);
    // The client leaves integers as JSON numbers; the REST reference types `value` as a string.
    if (typeof value === 'number') parameter.parameterValue = { value: String(value) };
    return { ...parameter, name };
  });
}
