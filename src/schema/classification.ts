import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

@ObjectType({ description: 'Why one file got no labels.' })
export class ClassificationError {
  @Field({ description: 'e.g. UNSUPPORTED_IMAGE, FILE_TOO_LARGE, IMAGE_TOO_LARGE, VISION_ERROR, OVERLOADED.' })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'A label a model or the Vision API gave an image.' })
export class Label {
  @Field({ description: 'Label name as the model names it (ImageNet names list synonyms: "tabby, tabby cat").' })
  name!: string;

  @Field(() => Float, { description: 'Confidence, 0 to 1.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'Knowledge Graph id when the source gives one (Vision does).' })
  mid?: string | null;
}

@ObjectType({ description: 'The labels of one uploaded file, in the order of `files`.' })
export class ImageClassification {
  @Field()
  filename!: string;

  @Field(() => String, { nullable: true })
  mimetype?: string | null;

  @Field(() => Int, { nullable: true, description: 'Size of the upload in bytes (null when it was not read whole).' })
  bytes?: number | null;

  @Field(() => [Label], { description: 'By score, highest first; empty when `error` is set.' })
  labels!: Label[];

  @Field(() => ClassificationError, { nullable: true })
  error?: ClassificationError | null;
}

export enum ModelStatus {
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(ModelStatus, {
  name: 'ModelStatus',
  description: 'Whether a model found at start is served.',
  valuesConfig: {
    READY: { description: 'Loaded: `classify(model:)` uses it.' },
    FAILED: { description: 'Found but could not be loaded; `Model.error` says why.' },
  },
});

@ObjectType({ description: 'A local image model the gateway serves, or found and could not load.' })
export class Model {
  @Field(() => ID)
  id!: string;

  @Field(() => ModelStatus)
  status!: ModelStatus;

  @Field(() => String, { nullable: true, description: 'Why the model could not be loaded (status FAILED); null when READY.' })
  error?: string | null;

  @Field({ description: 'The model `classify` uses when no `model` argument is given.' })
  isDefault!: boolean;

  @Field(() => [String], { description: 'The classes the model knows, in output order (empty when FAILED).' })
  labels!: string[];

  @Field(() => Int, { description: 'Square input size in pixels (0 when FAILED).' })
  inputSize!: number;

  @Field({ description: '`tensorflow` (tfjs-node) or `wasm`.' })
  backend!: string;

  @Field({ description: 'Trained through this gateway\'s `trainModel`: only such models can be replaced or deleted, by their owner or an admin.' })
  trained!: boolean;
}
