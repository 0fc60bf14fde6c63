import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo } from './PageInfo';

/** Builds the `XEdge` / `XConnection` pair for a node type (type-graphql generic types). */
export function ConnectionOf<TNode extends object>(name: string, nodeType: ClassType<TNode>) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field({ description: 'Opaque position of this edge.' })
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}ConnectionBase`)
  abstract class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Exact number of items in the whole connection.' })
    totalCount!: number;
  }

  return Connection;
}
