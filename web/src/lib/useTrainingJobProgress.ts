import { useQuery } from '@apollo/client';
import { ExplorerTrainingJobDocument, type ExplorerTrainingJobQuery } from '../generated/graphql';

const POLL_MS = 1000;

export type TrainingJobView = NonNullable<ExplorerTrainingJobQuery['trainingJob']>;

/**
 * Live state of one training job. Today it polls `trainingJob` every second while the job is QUEUED
 * or RUNNING and stops once it is done. This hook is the one place to change when the gateway offers
 * a progress subscription: the page only reads { job, loading, error }.
 */
export function useTrainingJobProgress(id: string | null) {
  const { data, loading, error, stopPolling } = useQuery(ExplorerTrainingJobDocument, {
    variables: { id: id ?? '' },
    skip: !id,
    pollInterval: POLL_MS,
    fetchPolicy: 'network-only',
    notifyOnNetworkStatusChange: false,
  });
  const job = data?.trainingJob ?? undefined;
  if (job && (job.status === 'SUCCEEDED' || job.status === 'FAILED')) stopPolling();
  if (error) stopPolling();
  return { job, loading: loading && !data, error };
}
