import { Authorized } from 'type-graphql';
import type { Scope } from './caller';

/** The scope each root field needs, by field name, as declared with `@RequiresScope`. */
const declared = new Map<string, Scope>();

/**
 * Declares, where a query, mutation or subscription is defined, the scope a caller needs to run it
 * (type-graphql's `@Authorized`, checked by scopeChecker before the resolver, or the subscription's
 * `subscribe`, runs). The schema's descriptions say it too (see documentScopes).
 */
export function RequiresScope(scope: Scope): MethodDecorator & PropertyDecorator {
  const authorized = Authorized<Scope>(scope);
  return (target: object, property: string | symbol, descriptor?: PropertyDescriptor) => {
    declared.set(String(property), scope);
    authorized(target, property, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

export function declaredScope(fieldName: string): Scope | undefined {
  return declared.get(fieldName);
}
