import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { hasScope } from '../src/auth/caller';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import type { ModelInfo } from '../src/models/types';
import { Model } from '../src/schema/classification';

@Resolver(() => Model)
export class ModelResolver {
  @RequiresScope('read')
  @Query(() => [Model], { description: 'Every local model the gateway serves, with the labels it knows.' })
  models(@Ctx() { services }: GatewayContext) {
    return services.models.list();
  }

  @RequiresScope('train')
  @Mutation(() => Boolean, {
    description:
      'Stops serving a model you trained (any trained model, for `admin`) and removes its folder; true when done. ' +
      'The default model, MODEL_DIR and models the gateway did not train are never deleted (FORBIDDEN).',
  })
  deleteModel(@Arg('id', () => ID, { description: "The model's `id`." }) id: string, @Ctx() { services, caller }: GatewayContext) {
    return services.modelOwnership.delete(id, caller);
  }

  @FieldResolver(() => Boolean, {
    description: 'You may replace (`trainModel` with `replace: true`) or delete this model: you trained it, or you are an admin and it was trained here.',
  })
  mayChange(@Root() model: ModelInfo, @Ctx() { caller }: GatewayContext): boolean {
    return model.trained && (model.owner === caller.id || hasScope(caller, 'admin'));
  }
}
