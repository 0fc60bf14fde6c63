import { Field, ObjectType } from 'type-graphql';

@ObjectType('Relation', { description: 'A subject–relation–object triple annotated on an image.' })
export class RelationNode {
  @Field({ description: 'Relation name, e.g. `holds`.' })
  relation!: string;
}
