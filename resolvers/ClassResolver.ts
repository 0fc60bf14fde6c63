import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { ClassNode } from '../src/schema/Class';
import { pageArgDescriptions } from '../src/schema/connection';
import { CLASS_NOUNS, ClassConnection, IMAGE_NOUNS, ImageConnection } from '../src/schema/connections';
import type { ClassRecord } from '../src/store/MetadataStore';

@ArgsType()
class ClassesArgs {
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the description; null or omitted: every class with images.' })
  search?: string;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: pageArgDescriptions(CLASS_NOUNS).first })
  first?: number | null;

  @Field(() => String, { nullable: true, description: pageArgDescriptions(CLASS_NOUNS).after })
  after?: string;
}

@ArgsType()
class ClassArgs {
  @Field(() => ID, { nullable: true, description: 'Knowledge Graph id, e.g. `/m/01yrx`. Give exactly one of `label` or `description`.' })
  label?: string | null;

  @Field(() => String, { nullable: true, description: 'English name, case-insensitive exact, e.g. `cat`.' })
  description?: string | null;
}

@ArgsType()
class ClassImagesArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10, description: pageArgDescriptions(IMAGE_NOUNS).first })
  first?: number | null;

  @Field(() => String, { nullable: true, description: pageArgDescriptions(IMAGE_NOUNS).after })
  after?: string;
}

@Resolver(() => ClassNode)
export class ClassResolver {
  @RequiresScope('read')
  @Query(() => ClassConnection, { description: 'Classes that have at least one image, by description.' })
  classes(@Args() { search, first, after }: ClassesArgs, @Ctx() { metadata }: GatewayContext) {
    return metadata.classes(search, { first, after });
  }

  @RequiresScope('read')
  @Query(() => ClassNode, { nullable: true, description: 'One class, by label or by description (case-insensitive exact); null when none matches.' })
  class(@Args() { label, description }: ClassArgs, @Ctx() { metadata }: GatewayContext) {
    return metadata.classBy({ label, description });
  }

  @FieldResolver(() => ImageConnection, { description: 'Images with this class, by image id.' })
  images(@Root() record: ClassRecord, @Args() { first, after }: ClassImagesArgs, @Ctx() { metadata }: GatewayContext) {
    return metadata.imagesOfClass(record, { first, after });
  }
}
