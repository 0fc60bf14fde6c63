import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A visual relationship type, e.g. `holds`.' })
export class RelationType {
  @Field()
  name!: string;

  @Field(() => Int, { description: 'Number of distinct images with at least one relation of this type.' })
  imageCount!: number;
}
