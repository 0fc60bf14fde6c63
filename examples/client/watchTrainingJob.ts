import { print } from 'graphql';
import { createClient } from 'graphql-sse';
import { TrainingJobEventsDocument, type TrainingJobEventsSubscription } from './generated/graphql';

export type TrainingJobEvent = TrainingJobEventsSubscription['trainingJobEvents'];

/**
 * Follows a training job with the generated TrainingJobEvents subscription over Server-Sent Events
 * (graphql-sse's client, same URL as queries): calls `onEvent` for each event in order and resolves
 * with the last one once the job has SUCCEEDED or FAILED. Rejects with the GraphQL errors (e.g.
 * TRAINING_JOB_NOT_FOUND) or when the connection fails.
 */
export async function watchTrainingJob(url: string, id: string, onEvent: (event: TrainingJobEvent) => void = () => {}): Promise<TrainingJobEvent | undefined> {
  const client = createClient({ url, retryAttempts: 3 });
  let last: TrainingJobEvent | undefined;
  try {
    for await (const result of client.iterate<TrainingJobEventsSubscription>({ query: print(TrainingJobEventsDocument), variables: { id } })) {
      if (result.errors?.length) throw Object.assign(new Error(result.errors.map((error) => error.message).join('; ')), { errors: result.errors });
      last = result.data!.trainingJobEvents;
      onEvent(last);
    }
  } finally {
    client.dispose();
  }
  return last;
}
