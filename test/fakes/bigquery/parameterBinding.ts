import { BIGINT, BOOLEAN, DOUBLE, LIST, VARCHAR, listValue } from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';

/** One entry of `queryParameters` in a jobs.query request, as the REST API defines it. */
export interface QueryParameter {
  name?: string;
  parameterType: { type: string; arrayType?: { type: string } };
  parameterValue?: { value?: string | null; arrayValues?: Array<{ value?: string | null }> };
}

export class InvalidParameterError extends Error {
  override name = 'InvalidParameterError';
}

export interface BoundParameters {
  values: Record<string, DuckDBValue>;
  types: Record<string, DuckDBType>;
}

const scalarTypes: Record<string, DuckDBType> = {
  STRING: VARCHAR,
  INT64: BIGINT,
  INTEGER: BIGINT,
  FLOAT64: DOUBLE,
  FLOAT: DOUBLE,
  BOOL: BOOLEAN,
  BOOLEAN: BOOLEAN,
};

/** Named BigQuery parameters (typed, values as strings on the wire) as DuckDB values and types. */
export function bindParameters(parameters: QueryParameter[] | undefined, parameterMode: string | undefined): BoundParameters {
  const bound: BoundParameters = { values: {}, types: {} };
  if (!parameters || parameters.length === 0) return bound;
  if (parameterMode?.toUpperCase() !== 'NAMED') throw new InvalidParameterError('Only named query parameters are supported');
  for (const parameter of parameters) {
    if (!parameter.name) throw new InvalidParameterError('Query parameter without a name');
    const { type, arrayType } = parameter.parameterType;
    if (type === 'ARRAY') {
      const elementType = arrayType && scalarTypes[arrayType.type];
      if (!elementType) throw new InvalidParameterError(`Unsupported array element type: ${arrayType?.type}`);
      const elements = (parameter.parameterValue?.arrayValues ?? []).map((v) => scalar(v.value, arrayType.type));
      bound.values[parameter.name] = listValue(elements);
      bound.types[parameter.name] = LIST(elementType);
    } else {
      const duckType = scalarTypes[type];
      if (!duckType) throw new InvalidParameterError(`Unsupported parameter type: ${type}`);
      bound.values[parameter.name] = scalar(parameter.parameterValue?.value, type);
      bound.types[parameter.name] = duckType;
    }
  }
  return bound;
}

function scalar(value: string | null | undefined, type: string): DuckDBValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'STRING':
      return value;
    case 'INT64':
    case 'INTEGER':
      if (!/^-?\d+$/.test(value)) throw new InvalidParameterError(`Invalid INT64 value: ${value}`);
      return BigInt(value);
    case 'FLOAT64':
    case 'FLOAT':
      return Number(value);
    default:
      return value === 'true';
  }
}
