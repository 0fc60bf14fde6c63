import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { ClassNode } from '../src/schema/Class';
import { pageArgDescriptions } from '../src/schema/connection';
import { RELATION_NOUNS, RelationConnection } from '../src/schema/connections';
import { ImageNode } from '../src/schema/Image';
import { RelationNode } from '../src/schema/Relation';
import { RelationType } from '../src/schema/RelationType';
import type { RelationRecord } from '../src/store/MetadataStore';

@ArgsType()
class SearchRelationsArgs {
  @Field(() => String, {
    nullable: true,
    defaultValue: '%',
    description: 'LIKE pattern on the subject description (`%`: any text, `_`: one character, `\\` escapes), case-insensitive, at most 200 characters.',
  })
  subject?: string | null;

  @Field(() => String, { nullable: true, defaultValue: '%', description: 'LIKE pattern on the relation name, as for `subject`.' })
  relation?: string | null;

  @Field(() => String, { nullable: true, defaultValue: '%', description: 'LIKE pattern on the object description, as for `subject`.' })
  object?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: pageArgDescriptions(RELATION_NOUNS).first })
  first?: number | null;

  @Field(() => String, { nullable: true, description: pageArgDescriptions(RELATION_NOUNS).after })
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

  @FieldResolver(() => ImageNode, { description: 'The image the relation is annotated on.' })
  image(@Root() relation: RelationRecord) {
    return { id: relation.imageId };
  }

  @FieldResolver(() => ClassNode, {
    description: 'The class of the subject (`Man` in Man holds Cup). A label missing from the class list shows as a class whose description is its label and imageCount 0.',
  })
  subject(@Root() relation: RelationRecord, @Ctx() { metadata }: GatewayContext) {
    return metadata.classOf(relation.subject);
  }

  @FieldResolver(() => ClassNode, { description: 'The class of the object (`Cup` in Man holds Cup), shown as `subject` is.' })
  object(@Root() relation: RelationRecord, @Ctx() { metadata }: GatewayContext) {
    return metadata.classOf(relation.object);
  }
}
