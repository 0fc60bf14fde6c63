import type express from 'express';
import { Kind, parse, visit, type DocumentNode } from 'graphql';
import { ErrorCode } from '../errors';
import { refuse } from '../http/refusal';

export interface DocumentShapeLimits {
  maxTokens: number;
  maxAliases: number;
  /** Most selections in one selection set that share a response name, plus its fragment spreads. */
  maxRepeatedSelections: number;
}

/**
 * Refuses documents whose shape makes validation itself expensive, before Apollo parses and validates
 * them. graphql-js's field-merging check compares every pair of same-named fields (and of fragment
 * spreads) in a selection set: a few hundred repeats cost a hundred ms of CPU, whatever the depth and
 * cost limits say. The parse here is linear and bounded by `maxTokens`; a document that does not parse
 * is left to Apollo, which reports it the usual way. Express middleware (after the JSON and multipart
 * parsers), because Apollo turns an error thrown by a plugin before validation into a 500.
 */
export function documentShapeCheck(limits: DocumentShapeLimits): express.RequestHandler {
  return (req, res, next) => {
    const bodies = Array.isArray(req.body) ? req.body : [req.body ?? req.query];
    for (const body of bodies) {
      const source = (body as { query?: unknown } | undefined)?.query;
      if (typeof source !== 'string') continue;
      const problem = documentShapeProblem(source, limits);
      if (problem) return refuse(res, 400, ErrorCode.QueryTooComplex, problem);
    }
    next();
  };
}

/** What is wrong with the document's shape, if anything (a document that does not parse: nothing here). */
export function documentShapeProblem(source: string, limits: DocumentShapeLimits): string | undefined {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.maxTokens, noLocation: true });
  } catch {
    return undefined;
  }
  return shapeProblem(document, limits);
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
