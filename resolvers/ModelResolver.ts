import { Ctx, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../src/context';
import { Model } from '../src/schema/classification';

@Resolver(() => Model)
export class ModelResolver {
  @Query(() => [Model], { description: 'Every local model the gateway serves, with the labels it knows.' })
  models(@Ctx() { services }: GatewayContext) {
    return services.models.list();
  }
}
