import { useQuery } from '@apollo/client';
import { useEffect } from 'react';
import { ExplorerTrainingJobDocument, type ExplorerTrainingJobQuery } from '../generated/graphql';

const POLL_MS = 1000;

export type TrainingJobView = NonNullable<ExplorerTrainingJobQuery['trainingJob']>;

/**
 * Live state of one training job. Today it polls `trainingJob` every second while the job is QUEUED
 * or RUNNING and stops once it is done. This hook is the one place to change when the gateway offers
 * a progress subscription: the page only reads { job, loading, error }.
 */
export function useTrainingJobProgress(id: string | null) {
  const { data, loading, error, startPolling, stopPolling } = useQuery(ExplorerTrainingJobDocument, {
    variables: { id: id ?? '' },
    skip: !id,
    fetchPolicy: 'network-only',
  });
  const job = data?.trainingJob ?? undefined;
  const done = job?.status === 'SUCCEEDED' || job?.status === 'FAILED';
  useEffect(() => {
    if (!id || done || error) return undefined;
    startPolling(POLL_MS);
    return () => stopPolling();
  }, [id, done, error, startPolling, stopPolling]);
  return { job, loading: loading && !data, error };
}
