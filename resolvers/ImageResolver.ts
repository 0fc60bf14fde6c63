import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import type { ImageRef } from '../src/metadata/MetadataService';
import { ClassNode } from '../src/schema/Class';
import { pageArgDescriptions } from '../src/schema/connection';
import { IMAGE_NOUNS, ImageConnection } from '../src/schema/connections';
import { ImageNode } from '../src/schema/Image';
import { MatchMode } from '../src/schema/MatchMode';
import { RelationNode } from '../src/schema/Relation';

@ArgsType()
class SearchImagesArgs {
  @Field(() => [String], { description: 'Class descriptions, case-insensitive exact, e.g. ["Cat", "Table"]: 1 to 100, each a known class.' })
  classes!: string[];

  @Field(() => MatchMode, { nullable: true, defaultValue: MatchMode.ANY, description: 'ANY: images with at least one of the classes; ALL: images with every one.' })
  match?: MatchMode | null;

  @Field(() => Int, { nullable: true, defaultValue: 10, description: pageArgDescriptions(IMAGE_NOUNS).first })
  first?: number | null;

  @Field(() => String, { nullable: true, description: pageArgDescriptions(IMAGE_NOUNS).after })
  after?: string;
}

@Resolver(() => ImageNode)
export class ImageResolver {
  @RequiresScope('read')
  @Query(() => ImageNode, { nullable: true, description: 'One image; null when the id is unknown.' })
  image(@Arg('id', () => ID, { description: 'Open Images image id, e.g. `000062a39995e348`.' }) id: string, @Ctx() { metadata }: GatewayContext) {
    return metadata.image(id);
  }

  @RequiresScope('read')
  @Query(() => [ImageNode], { nullable: 'items', description: 'Images in the order of `ids`; null for unknown ids.' })
  images(@Arg('ids', () => [ID], { description: 'Open Images image ids, at most 1000.' }) ids: string[], @Ctx() { metadata }: GatewayContext) {
    return metadata.images(ids);
  }

  @RequiresScope('read')
  @Query(() => ImageConnection, {
    description: 'Images with any / all of the classes, by number of matched classes (most first), then id.',
  })
  searchImages(@Args() { classes, match, first, after }: SearchImagesArgs, @Ctx() { metadata }: GatewayContext) {
    return metadata.searchImages(classes, match ?? MatchMode.ANY, { first, after });
  }

  @FieldResolver(() => String, { description: 'Where the image file is served.' })
  url(@Root() image: ImageRef, @Ctx() { metadata }: GatewayContext) {
    return metadata.imageUrl(image.id);
  }

  @FieldResolver(() => [ClassNode], { description: 'The classes labelled on this image, by description.' })
  classes(@Root() image: ImageRef, @Ctx() { metadata }: GatewayContext) {
    return metadata.classesOfImage(image.id);
  }

  @FieldResolver(() => [RelationNode], { description: 'Relations on this image, by subject, relation, object.' })
  relations(@Root() image: ImageRef, @Ctx() { metadata }: GatewayContext) {
    return metadata.relationsOfImage(image.id);
  }
}
