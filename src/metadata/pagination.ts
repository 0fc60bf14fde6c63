import { badUserInput } from '../errors';
import type { PageResult, Slice } from '../store/MetadataStore';

/**
 * Relay-style connections over offset slices. Cursors are opaque to clients (base64url of a
 * versioned offset) so that the encoding can change without breaking them.
 */

export const MAX_PAGE_SIZE = 1000;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

const CURSOR_PREFIX = 'o1:';

export function encodeCursor(position: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const position = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isInteger(position) || position < 0) {
    throw badUserInput('`after` is not a cursor this API issued.', { argument: 'after' });
  }
  return position;
}

/** Validates `first` / `after` and turns them into the slice to fetch. */
export function sliceOf(args: PageArgs, defaultFirst: number): Slice {
  const first = args.first ?? defaultFirst;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`\`first\` must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`, { argument: 'first' });
  }
  const offset = args.after ? decodeCursor(args.after) + 1 : 0;
  return { offset, limit: first };
}

export function toConnection<T, N>(page: PageResult<T>, slice: Slice, toNode: (item: T) => N): Connection<N> {
  const edges = page.items.map((item, index) => ({ cursor: encodeCursor(slice.offset + index), node: toNode(item) }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: slice.offset + page.items.length < page.totalCount,
      hasPreviousPage: slice.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
