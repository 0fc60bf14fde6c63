import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a page sits in its connection (Relay cursor connections; forward pagination with `first` / `after` only).' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page: pass `endCursor` as `after` to get them.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when the page does not start at the first item (an `after` cursor was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the page's first edge; null when the page is empty." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the page's last edge: pass it as `after` to get the next page. Null when the page is empty." })
  endCursor!: string | null;
}
