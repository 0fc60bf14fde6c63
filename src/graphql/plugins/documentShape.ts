import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, parse, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from '../../errors';

export interface DocumentShapeLimits {
  maxTokens: number;
  maxAliases: number;
  /** Most selections in one selection set that share a response name, plus its fragment spreads. */
  maxRepeatedSelections: number;
}

/**
 * Refuses documents whose shape makes validation itself expensive, before validation runs. graphql-js's
 * field-merging check compares every pair of same-named fields (and of fragment spreads) in a selection
 * set: a few hundred repeats cost a hundred ms of CPU, whatever the depth and cost limits say. Runs on
 * the source, once per request; the parse is linear and bounded by `maxTokens`. A document that does not
 * parse is left to Apollo, which reports it the usual way.
 */
export function documentShapePlugin(limits: DocumentShapeLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveSource({ source }) {
          let document: DocumentNode;
          try {
            document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
          } catch {
            return;
          }
          const problem = shapeProblem(document, limits);
          if (problem) throw new GraphQLError(problem, { extensions: { code: ErrorCode.QueryTooComplex, http: { status: 400 } } });
        },
      };
    },
  };
}

function shapeProblem(document: DocumentNode, limits: DocumentShapeLimits): string | undefined {
  let aliases = 0;
  let problem: string | undefined;
  visit(document, {
    Field(node) {
      if (node.alias) aliases++;
    },
    SelectionSet(node) {
      const counts = new Map<string, number>();
      let spreads = 0;
      for (const selection of node.selections) {
        if (selection.kind === Kind.FIELD) {
          const key = (selection.alias ?? selection.name).value;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        } else {
          spreads++;
        }
      }
      const most = Math.max(spreads, ...counts.values());
      if (most > limits.maxRepeatedSelections) {
        problem ??= `A selection set repeats a field or holds fragments ${most} times; at most ${limits.maxRepeatedSelections}.`;
      }
    },
  });
  if (aliases > limits.maxAliases) return `The document has ${aliases} aliased fields; at most ${limits.maxAliases}.`;
  return problem;
}
