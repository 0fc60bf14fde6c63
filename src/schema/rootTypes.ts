/**
 * Descriptions of the Query, Mutation and Subscription types. buildGatewaySchema sets them on the built
 * schema, so schema.graphql, introspection (GraphiQL's docs pane) and the codegen output all show them.
 */
export const ROOT_TYPE_DESCRIPTIONS = {
  query: 'Reads: Open Images classes, images and visual relations (the metadata store), the served image models, ' + 'training jobs, and images similar to an upload.',
  mutation: 'Operations that label uploaded images (a local model or Cloud Vision) or change what the gateway holds (training jobs, models).',
  subscription: 'Live streams, served as GraphQL over Server-Sent Events at /graphql (`Accept: text/event-stream`).',
} as const;
