import {
  GraphQLError,
  Kind,
  getOperationAST,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { ErrorCode } from '../../errors';
import { estimateCost } from './queryCost';

/**
 * Refuses expensive queries before they run. Depth is a validation rule (so it also guards
 * introspection); cost needs the variables, so it runs once the operation is resolved. The document's
 * size and shape (tokens, aliases, repeats) are checked before validation (documentShape.ts).
 */

export interface QueryLimits {
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Parser token limit: with the document's shape checked first (documentShape.ts), it bounds validation too. */
  maxQueryTokens: number;
}

export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    // Each fragment's depth is computed once and reused at every spread: re-walking a fragment per
    // spread is exponential in documents whose fragments spread each other twice per level.
    const fragmentDepths = new Map<string, number>();
    const visiting = new Set<string>();
    const depthOf = (set: SelectionSetNode | undefined): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet));
        } else {
          const name = selection.name.value;
          let depth = fragmentDepths.get(name);
          if (depth === undefined) {
            const fragment = fragments.get(name);
            if (!fragment || visiting.has(name)) continue; // unknown fragments and cycles: other rules refuse them
            visiting.add(name);
            depth = depthOf(fragment.selectionSet);
            visiting.delete(name);
            fragmentDepths.set(name, depth);
          }
          deepest = Math.max(deepest, depth);
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet);
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the limit of ${maxDepth}.`, {
              nodes: [node],
              extensions: { code: ErrorCode.QueryTooDeep, depth, maxDepth },
            }),
          );
        }
      },
    };
  };
}

export interface CostedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Why a validated operation may not run (QUERY_TOO_COMPLEX, or BAD_USER_INPUT), or undefined when it may. */
export function queryCostError({ schema, document, operationName, variables }: CostedOperation, maxCost: number): GraphQLError | undefined {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return undefined;
  let cost: number;
  try {
    cost = estimateCost(schema, document, operation, variables ?? {});
  } catch (error) {
    // Arguments that do not coerce make the estimate throw; that is the client's mistake
    // (what execution would answer), not a 500. Refusing, not skipping, keeps the limit whole.
    return new GraphQLError(error instanceof Error ? error.message : String(error), {
      extensions: { code: ErrorCode.BadUserInput, http: { status: 400 } },
    });
  }
  if (cost > maxCost) {
    return new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}; ask for smaller pages or fewer totals.`, {
      extensions: { code: ErrorCode.QueryTooComplex, cost, maxCost, http: { status: 400 } },
    });
  }
  return undefined;
}
