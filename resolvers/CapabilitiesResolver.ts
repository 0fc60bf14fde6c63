import { Ctx, Query, Resolver } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import { gatewayCapabilities } from '../src/capabilities';
import type { GatewayContext } from '../src/context';
import { Capabilities } from '../src/schema/capabilities';

@Resolver(() => Capabilities)
export class CapabilitiesResolver {
  @RequiresScope('read')
  @Query(() => Capabilities, { description: 'Which optional features this gateway has configured, so clients can say so before anyone tries them.' })
  capabilities(@Ctx() { services }: GatewayContext) {
    return gatewayCapabilities(services);
  }
}
