import { Args, ArgsType, Ctx, Field, Float, ID, Int, Mutation, Resolver } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { RateLimit } from '../src/graphql/rateLimit';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { ImageClassification } from '../src/schema/classification';

@ArgsType()
class ClassifyArgs {
  @Field(() => [GraphQLUpload], {
    description: 'Images (JPEG, PNG, WebP, GIF), sent as a GraphQL multipart request: 1 to MAX_UPLOAD_FILES (16 by default), each at most MAX_UPLOAD_BYTES (10 MiB by default).',
  })
  files!: Promise<FileUpload>[];

  @Field(() => ID, {
    nullable: true,
    description: 'A `Model.id` (its newest loaded version), or `id@version` for that `Model.version` while it is the one loaded; the default model when omitted.',
  })
  model?: string | null;

  @Field(() => Float, { nullable: true, defaultValue: 0.05, description: 'Labels scoring below this are left out, 0 to 1.' })
  minConfidence?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Most labels per image, 1 to 1000.' })
  maxResults?: number | null;
}

@ArgsType()
class LabelDetectionArgs {
  @Field(() => [GraphQLUpload], {
    description: 'Images, sent as a GraphQL multipart request (16 per Vision call): 1 to MAX_UPLOAD_FILES (16 by default), each at most MAX_UPLOAD_BYTES (10 MiB by default).',
  })
  files!: Promise<FileUpload>[];

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Most labels per image (passed to Vision), 1 to 1000.' })
  maxResults?: number | null;
}

@Resolver()
export class ClassificationResolver {
  @RequiresScope('classify')
  @RateLimit<ClassifyArgs>('classify', (args) => args.files.length)
  @Mutation(() => [ImageClassification], {
    description: 'Labels uploaded images with a local TensorFlow.js model; results in the order of `files`.',
  })
  classify(@Args() { files, model, minConfidence, maxResults }: ClassifyArgs, @Ctx() { services }: GatewayContext) {
    return services.classification.classify(files, { model, minConfidence: minConfidence ?? 0.05, maxResults: maxResults ?? 10 });
  }

  @RequiresScope('classify')
  @RateLimit<LabelDetectionArgs>('labelDetection', (args) => args.files.length)
  @Mutation(() => [ImageClassification], {
    description: 'Labels uploaded images with the Google Cloud Vision API; results in the order of `files`.',
  })
  labelDetection(@Args() { files, maxResults }: LabelDetectionArgs, @Ctx() { services }: GatewayContext) {
    return services.classification.labelDetection(files, maxResults ?? 10);
  }
}
