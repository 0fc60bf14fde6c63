import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import { RateLimit } from '../src/graphql/rateLimit';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import type { SimilarMatch } from '../src/embeddings/vectorIndex/VectorSearch';
import { openImagesIdOf } from '../src/embeddings/openImagesId';
import { similarImages } from '../src/embeddings/similarImages';
import { ImageNode } from '../src/schema/Image';
import { SimilarImage } from '../src/schema/similarity';

@ArgsType()
class SimilarImagesArgs {
  @Field(() => GraphQLUpload, { description: 'The query image, sent as a GraphQL multipart request.' })
  file!: Promise<FileUpload>;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: 'Most images to return, 1 to 1000.' })
  first?: number | null;
}

@Resolver(() => SimilarImage)
export class SimilarityResolver {
  @RequiresScope('classify')
  @RateLimit('similarImages')
  @Query(() => [SimilarImage], {
    description: 'The images of the EMBEDDINGS file nearest to the uploaded one (cosine similarity of backbone embeddings), best first.',
  })
  similarImages(@Args() { file, first }: SimilarImagesArgs, @Ctx() { services }: GatewayContext) {
    return similarImages(services.embeddings, file, first ?? 10, services.config.maxUploadBytes);
  }

  @FieldResolver(() => ImageNode, { nullable: true, description: 'The Open Images image, when the file is named after an Open Images id.' })
  async image(@Root() match: SimilarMatch, @Ctx() { metadata }: GatewayContext) {
    const id = openImagesIdOf(match.path);
    return id && (await metadata.loaders.imageExists.load(id)) ? { id } : null;
  }
}
