import { useQuery } from '@apollo/client';
import { ExplorerCapabilitiesDocument, type ExplorerCapabilitiesQuery } from '../generated/graphql';

export type Feature = keyof Omit<ExplorerCapabilitiesQuery['capabilities'], '__typename'>;

/**
 * Whether a feature is configured on this gateway, read once per session (cache-first) so a page can
 * say "not available" the moment it opens. `available` is undefined while unknown (loading, or the
 * query failed): pages then behave as before and let the operation itself answer.
 */
export function useCapability(feature: Feature): { available?: boolean; reason?: string | null; loading: boolean } {
  const { data, loading } = useQuery(ExplorerCapabilitiesDocument, { fetchPolicy: 'cache-first' });
  const capability = data?.capabilities[feature];
  return { available: capability?.available, reason: capability?.reason, loading };
}
