import 'reflect-metadata';
import { printSchema, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
// eslint-disable-next-line import-x/no-restricted-paths -- the one place src/ meets resolvers/: type-graphql builds the schema from the resolver classes (the composition root)
import { resolvers } from '../../resolvers';
import { declaredScope } from '../auth/requiresScope';
import { scopeChecker } from './scopeChecker';
import { ROOT_TYPE_DESCRIPTIONS } from '../schema/rootTypes';

/**
 * type-graphql refuses a schema with subscriptions unless it has a pubSub. Ours take their events
 * from the gateway's services through the context (`@Subscription({ subscribe })`), because this
 * schema is built once per process and shared by every gateway in it; topics are not used.
 */
const NO_TOPICS: PubSub = {
  publish(topic) {
    throw new Error(`no pubSub topics: "${topic}" (subscriptions read their services from the context)`);
  },
  subscribe(topic) {
    throw new Error(`no pubSub topics: "${topic}" (subscriptions read their services from the context)`);
  },
};

let cached: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once per process from the type-graphql classes. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  cached ??= buildSchema({ resolvers, validate: false, pubSub: NO_TOPICS, authChecker: scopeChecker }).then(describeRootTypes).then(documentScopes);
  return cached;
}

/** type-graphql 2.0.0-rc.4 has no option for the root types' descriptions: they are set here, on the one built schema. */
function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
  for (const [operation, type] of Object.entries(roots)) {
    if (type) type.description = ROOT_TYPE_DESCRIPTIONS[operation as keyof typeof roots];
  }
  return schema;
}

/** Each root field's description ends with the scope it needs, so clients read who may call what where they read the field. */
function documentScopes(schema: GraphQLSchema): GraphQLSchema {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((type): type is GraphQLObjectType => Boolean(type));
  for (const root of roots) {
    for (const field of Object.values(root.getFields())) {
      const scope = declaredScope(field.name);
      if (scope) field.description = `${field.description ?? ''}${field.description ? '\n\n' : ''}Needs the \`${scope}\` scope (or \`admin\`).`;
    }
  }
  return schema;
}

/** The SDL committed as schema.graphql. */
export async function printGatewaySchema(): Promise<string> {
  const header = '# Generated from the type-graphql classes by `npm run schema`. Do not edit by hand.\n\n';
  return header + printSchema(await buildGatewaySchema()) + '\n';
}
