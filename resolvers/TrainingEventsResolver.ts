import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { TrainingJobEventNode } from '../src/schema/trainingEvents';
import type { TrainingJobEvent } from '../src/training/TrainingJobEvents';
import { jobNotFound } from '../src/training/TrainingJobs';

@Resolver()
export class TrainingEventsResolver {
  @RequiresScope('read')
  @Subscription(() => TrainingJobEventNode, {
    description:
      "One of your training jobs' events in order (any job's, for `admin`): first its latest event (so a late subscriber starts from the current state), then every new one; " +
      'completes after SUCCEEDED, FAILED or CANCELLED. Served as GraphQL over Server-Sent Events at /graphql (`Accept: text/event-stream`).',
    // Events come from the gateway's own TrainingJobs (per gateway, through the context), not from the schema-wide pubSub.
    // A job this replica runs streams from memory; any other job from its shared record, polled.
    subscribe: async ({ args, context }) => {
      const { services, caller } = context as GatewayContext;
      const id = String(args.id);
      const events = await services.training.watch(id, caller);
      if (!events) throw jobNotFound(id);
      return events;
    },
  })
  trainingJobEvents(
    @Arg('id', () => ID, { description: "`TrainingJob.id`, as `trainModel` returned it; an unknown id, or a job of someone else's, is an error (TRAINING_JOB_NOT_FOUND)." })
    _id: string,
    @Root() event: TrainingJobEvent,
  ): TrainingJobEvent {
    return event;
  }
}
