import 'reflect-metadata';
import { printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { resolvers } from '../../resolvers';

let cached: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the type-graphql classes. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers, validate: false });
  return cached;
}

/** The SDL committed as schema.graphql. */
export async function printGatewaySchema(): Promise<string> {
  const header = '# Generated from the type-graphql classes by `npm run schema`. Do not edit by hand.\n\n';
  return header + printSchema(await buildGatewaySchema()) + '\n';
}
