import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { GatewayContext } from '../src/context';
import { ErrorCode, GatewayError } from '../src/errors';
import { TrainingJobEventNode } from '../src/schema/trainingEvents';
import type { TrainingJobEvent } from '../src/training/TrainingJobEvents';

@Resolver()
export class TrainingEventsResolver {
  @Subscription(() => TrainingJobEventNode, {
    description:
      "A training job's events in order: first its latest event (so a late subscriber starts from the current state), then every new one; " +
      'completes after SUCCEEDED or FAILED. Served as GraphQL over Server-Sent Events at /graphql (`Accept: text/event-stream`).',
    // Events come from the gateway's own TrainingJobs (per gateway, through the context), not from the schema-wide pubSub.
    subscribe: ({ args, context }) => {
      const { services } = context as GatewayContext;
      const id = String(args.id);
      const events = services.training.get(id) && services.training.events.watch(id);
      if (!events) throw new GatewayError(ErrorCode.TrainingJobNotFound, `No training job "${id}" (jobs are forgotten when the gateway restarts).`, { id });
      return events;
    },
  })
  trainingJobEvents(@Arg('id', () => ID, { description: '`TrainingJob.id`, as `trainModel` returned it; an unknown id is an error (TRAINING_JOB_NOT_FOUND).' }) _id: string, @Root() event: TrainingJobEvent): TrainingJobEvent {
    return event;
  }
}
