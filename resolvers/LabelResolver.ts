import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../src/context';
import type { Prediction } from '../src/models/types';
import { ClassNode } from '../src/schema/Class';
import { Label } from '../src/schema/classification';

@Resolver(() => Label)
export class LabelResolver {
  @FieldResolver(() => ClassNode, {
    nullable: true,
    description:
      'The Open Images class this label names: by `mid`, else by name (the label or a comma-separated synonym equal to a class name, else the nearest class up its WordNet hypernyms: "macaw" -> Parrot). Null when no class fits.',
  })
  class(@Root() label: Prediction, @Ctx() { metadata }: GatewayContext) {
    return metadata.classForLabel(label.name, label.mid);
  }
}
