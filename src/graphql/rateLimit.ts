import { UseMiddleware, type MiddlewareFn } from 'type-graphql';
import type { GatewayContext } from '../context';
import type { LimitName } from '../auth/CallerLimits';

/**
 * Declares, where a field is defined, the per-caller limit it draws on and how much one call costs
 * (e.g. its number of files). Runs after the scope check and before the resolver.
 */
export function RateLimit<Args = Record<string, unknown>>(limit: LimitName, cost: (args: Args) => number = () => 1): MethodDecorator {
  const limited: MiddlewareFn<GatewayContext> = async ({ context, args }, next) => {
    await context.services.limits.consume(limit, context.caller, cost(args as Args));
    return next();
  };
  return UseMiddleware(limited);
}
