import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A visual relationship type, e.g. `holds`.' })
export class RelationType {
  @Field({ description: 'Relation name as annotated, e.g. `holds` or `at`; `searchRelations(relation:)` matches it.' })
  name!: string;

  @Field(() => Int, { description: 'Number of distinct images with at least one relation of this type.' })
  imageCount!: number;
}
