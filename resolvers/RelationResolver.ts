import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { ClassNode } from '../src/schema/Class';
import { RelationConnection } from '../src/schema/connections';
import { ImageNode } from '../src/schema/Image';
import { RelationNode } from '../src/schema/Relation';
import { RelationType } from '../src/schema/RelationType';
import type { RelationRecord } from '../src/store/MetadataStore';

@ArgsType()
class SearchRelationsArgs {
  @Field(() => String, { nullable: true, defaultValue: '%', description: 'LIKE pattern on the subject description (`%`, `_`; `\\` escapes), case-insensitive.' })
  subject?: string | null;

  @Field(() => String, { nullable: true, defaultValue: '%', description: 'LIKE pattern on the relation name.' })
  relation?: string | null;

  @Field(() => String, { nullable: true, defaultValue: '%', description: 'LIKE pattern on the object description.' })
  object?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Page size, 0 to 1000.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string;
}

@Resolver(() => RelationNode)
export class RelationResolver {
  @RequiresScope('read')
  @Query(() => [RelationType], { description: 'Relation types, by name.' })
  relationTypes(@Ctx() { metadata }: GatewayContext) {
    return metadata.relationTypes();
  }

  @RequiresScope('read')
  @Query(() => RelationConnection, {
    description: 'Distinct relations matching subject–relation–object patterns, by image id, subject, relation, object.',
  })
  searchRelations(@Args() { subject, relation, object, first, after }: SearchRelationsArgs, @Ctx() { metadata }: GatewayContext) {
    return metadata.searchRelations({ subject: subject ?? '%', relation: relation ?? '%', object: object ?? '%' }, { first, after });
  }

  @FieldResolver(() => ImageNode)
  image(@Root() relation: RelationRecord) {
    return { id: relation.imageId };
  }

  @FieldResolver(() => ClassNode)
  subject(@Root() relation: RelationRecord, @Ctx() { metadata }: GatewayContext) {
    return metadata.classOf(relation.subject);
  }

  @FieldResolver(() => ClassNode)
  object(@Root() relation: RelationRecord, @Ctx() { metadata }: GatewayContext) {
    return metadata.classOf(relation.object);
  }
}
