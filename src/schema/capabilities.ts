import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Whether one feature is available here, and if not, why.' })
export class Capability {
  @Field({ description: 'True when the feature can be used on this gateway.' })
  available!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'When `available` is false: what is missing and how an operator turns it on, for people to read (never a server path); null when available.',
  })
  reason?: string | null;
}

@ObjectType({ description: 'Which optional features this gateway has configured.' })
export class Capabilities {
  @Field(() => Capability, { description: '`classify`: at least one model is served.' })
  classify!: Capability;

  @Field(() => Capability, { description: '`labelDetection`: the Cloud Vision API is configured (credentials or VISION_API_ENDPOINT).' })
  labelDetection!: Capability;

  @Field(() => Capability, { description: '`similarImages`: an embeddings index is configured (EMBEDDINGS, or BigQuery vector search).' })
  similarImages!: Capability;

  @Field(() => Capability, { description: '`trainModel`: TRAINING_DATA_ROOT is set and readable, and this gateway trains (or queues for a worker).' })
  training!: Capability;
}
