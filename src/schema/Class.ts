import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('Class', { description: 'An Open Images class: a Knowledge Graph id and its English name.' })
export class ClassNode {
  @Field(() => ID, { description: 'Knowledge Graph id, e.g. `/m/01yrx`.' })
  label!: string;

  @Field({ description: 'English name, e.g. `Cat`.' })
  description!: string;

  @Field(() => Int, { description: 'Number of distinct images labelled with this class.' })
  imageCount!: number;
}
