import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Image', { description: 'An Open Images image.' })
export class ImageNode {
  @Field(() => ID, { description: 'Open Images image id, e.g. `000062a39995e348`.' })
  id!: string;
}
