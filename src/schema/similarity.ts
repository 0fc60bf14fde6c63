import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An image of the EMBEDDINGS file, by cosine similarity to the uploaded one.' })
export class SimilarImage {
  @Field({ description: 'Path of the image relative to the folder that was embedded.' })
  path!: string;

  @Field(() => String, { nullable: true, description: 'The folder the image was in.' })
  label?: string | null;

  @Field(() => Float, { description: 'Cosine similarity of the embeddings, -1 to 1 (1: same direction).' })
  score!: number;
}
