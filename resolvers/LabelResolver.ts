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

  @FieldResolver(() => [ClassNode], {
    description:
      "Other Open Images classes near this label that have images in the loaded data, most relevant first (at most 5): other classes the label names, classes whose name contains the linked class's name (Coffee -> Coffee cup), then classes up and down the WordNet hierarchy. Never the linked `class` itself; empty when none has images.",
  })
  relatedClasses(@Root() label: Prediction, @Ctx() { metadata }: GatewayContext) {
    return metadata.relatedClassesForLabel(label.name, label.mid);
  }
}
