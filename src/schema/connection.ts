import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { MAX_PAGE_SIZE } from '../metadata/pagination';
import { PageInfo } from './PageInfo';

/** How a connection names what it lists, for its descriptions: `{ item: 'class', items: 'classes' }`. */
export interface ConnectionNouns {
  item: string;
  items: string;
}

/** The description of the `XConnection` type (set on the concrete class, which type-graphql does not inherit). */
export function connectionDescription({ items }: ConnectionNouns): string {
  return `A page of ${items} (a Relay cursor connection): \`edges\` holds the page, \`pageInfo\` says whether more follow and where to continue, \`totalCount\` counts them all.`;
}

/** Descriptions of the `first` / `after` arguments of every field that returns a connection. */
export function pageArgDescriptions({ items }: ConnectionNouns) {
  return {
    first: `Page size: most ${items} to return, 0 to ${MAX_PAGE_SIZE} (0 returns only \`totalCount\` and \`pageInfo\`).`,
    after:
      `A cursor of this same list (\`pageInfo.endCursor\` or an edge's \`cursor\`): the page starts right after it. ` +
      `Null or omitted: the page starts at the first of the ${items}.`,
  };
}

/** Builds the `XEdge` / `XConnection` pair for a node type (type-graphql generic types). */
export function ConnectionOf<TNode extends object>(name: string, nodeType: ClassType<TNode>, nouns: ConnectionNouns) {
  const { item, items } = nouns;

  @ObjectType(`${name}Edge`, { description: `One ${item} in a page of ${items}, with its cursor.` })
  class Edge {
    @Field({ description: `Opaque position of this ${item} in the list; pass it as \`after\` to get the ${items} that follow it.` })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${item}.` })
    node!: TNode;
  }

  @ObjectType(`${name}ConnectionBase`)
  abstract class Connection {
    @Field(() => [Edge], { description: `The ${items} of this page, in the list's order; empty when no ${item} is left to list (or \`first\` is 0).` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: `Cursors of this page's first and last ${item}, and whether more ${items} follow.` })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `Exact number of ${items} in the whole list, on every page alike.` })
    totalCount!: number;
  }

  return Connection;
}
