import { useApolloClient, useQuery } from '@apollo/client';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print } from 'graphql';
import { createClient } from 'graphql-sse';
import { useEffect, useRef, useState } from 'react';
import { ExplorerTrainingJobDocument, ExplorerTrainingJobEventsDocument, type ExplorerTrainingJobEventsSubscription, type ExplorerTrainingJobQuery } from '../generated/graphql';
import { authorizationHeaders, useCredential } from './auth';

const POLL_MS = 1000;
/** The most recent status changes and epochs kept for the page's log. */
const LOG_LIMIT = 50;

export type TrainingJobView = NonNullable<ExplorerTrainingJobQuery['trainingJob']>;
type HistoryEntry = TrainingJobView['history'][number];
export type TrainingJobEvent = ExplorerTrainingJobEventsSubscription['trainingJobEvents'];
/** How the job is followed: over the event stream, or by polling once the stream could not be had. */
export type ProgressTransport = 'stream' | 'polling';

// Printed once, with the __typename fields the Apollo cache needs to store each event's job under TrainingJob:<id>.
const EVENTS_QUERY = print(addTypenameToDocument(ExplorerTrainingJobEventsDocument));

export const isDone = (status: string | undefined) => status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';

/**
 * Live state of one training job. It reads `trainingJob` once, then follows the job through the
 * `trainingJobEvents` subscription: graphql-sse over the same /graphql URL (same origin, so the
 * CSP's connect-src 'self' holds), with the `apollo-require-preflight` header the gateway's CSRF
 * rule demands of streams as of every request, and the signed-in credential (lib/auth). Each event's
 * `job` is written into the Apollo cache, so the page and the job list show status, epoch, loss,
 * accuracy, ETA and the final evaluation as they come; each EPOCH event's epoch is appended to the
 * job's `history` there (read once with the job, so the charts start whole after a reload). When the
 * stream cannot be had (503 OVERLOADED, a proxy that drops it) or ends before the job does, it falls
 * back to polling `trainingJob` (history included) every second until the job is done.
 * The page reads { job, loading, error, transport, events }.
 */
export function useTrainingJobProgress(id: string | null) {
  const client = useApolloClient();
  // Signing in or out reopens the stream as the new caller.
  const credential = useCredential();
  const { data, loading, error, startPolling, stopPolling, refetch } = useQuery(ExplorerTrainingJobDocument, {
    variables: { id: id ?? '' },
    skip: !id,
    fetchPolicy: 'network-only',
  });
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  const job = data?.trainingJob ?? undefined;
  const done = isDone(job?.status);
  const [followed, setFollowed] = useState<{ id: string; transport: ProgressTransport; events: TrainingJobEvent[] } | null>(null);
  const current = followed?.id === id ? followed : null;
  const transport = current?.transport;

  // The stream, opened once the job is known to exist and to be unfinished.
  const known = !!job && !done;
  useEffect(() => {
    if (!id || !known) return undefined;
    setFollowed({ id, transport: 'stream', events: [] });
    // Headers are read when the stream is opened, so a retry after signing in carries the new credential.
    const sse = createClient({ url: '/graphql', headers: () => ({ 'apollo-require-preflight': 'true', ...authorizationHeaders() }), retryAttempts: 1 });
    let finished = false;
    const fallBack = () => setFollowed((state) => (state?.id === id ? { ...state, transport: 'polling' } : state));
    const dispose = sse.subscribe<ExplorerTrainingJobEventsSubscription>(
      { query: EVENTS_QUERY, operationName: 'ExplorerTrainingJobEvents', variables: { id } },
      {
        next: (result) => {
          const event = result.data?.trainingJobEvents;
          if (!event) return fallBack();
          finished = isDone(event.job.status);
          // The event's job carries no history: the epochs read with the job, plus this event's.
          const cached = client.readQuery({ query: ExplorerTrainingJobDocument, variables: { id } })?.trainingJob;
          const history = withEpoch(cached?.history ?? [], event.kind === 'EPOCH' ? event.epoch : null);
          client.writeQuery({ query: ExplorerTrainingJobDocument, variables: { id }, data: { trainingJob: { ...event.job, history: history.entries } } });
          // A late subscriber starts at the latest event: epochs that ended between the read and it are read again.
          if (history.gap) refetchRef.current().catch(() => undefined);
          if (event.kind === 'STATUS' || event.kind === 'EPOCH') {
            setFollowed((state) => (state?.id === id ? { ...state, events: [...state.events, event].slice(-LOG_LIMIT) } : state));
          }
        },
        error: fallBack,
        complete: () => {
          if (!finished) fallBack();
        },
      },
    );
    return () => {
      dispose();
      sse.dispose();
    };
  }, [id, known, client, credential]);

  useEffect(() => {
    if (!id || done || error || transport !== 'polling') return undefined;
    startPolling(POLL_MS);
    return () => stopPolling();
  }, [id, done, error, transport, startPolling, stopPolling]);

  return { job, loading: loading && !data, error, transport, events: current?.events ?? [] };
}

/** `history` with `epoch` appended when it is the next one; `gap` when epochs before it are missing. */
function withEpoch(history: readonly HistoryEntry[], epoch: HistoryEntry | null | undefined): { entries: HistoryEntry[]; gap: boolean } {
  const last = history.length > 0 ? history[history.length - 1].epoch : 0;
  if (!epoch || epoch.epoch <= last) return { entries: [...history], gap: false };
  return { entries: [...history, epoch], gap: epoch.epoch > last + 1 };
}
