import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../src/context';
import { ErrorCode, GatewayError, inputPrefix, quoteInput } from '../src/errors';
import { Model } from '../src/schema/classification';
import { TrainingJobNode, TrainModelInput } from '../src/schema/training';
import { DEFAULT_KEEP_FINISHED, type TrainingJob } from '../src/training/TrainingJobs';

@Resolver(() => TrainingJobNode)
export class TrainingResolver {
  @Mutation(() => TrainingJobNode, {
    description: 'Starts training a classifier on data under TRAINING_DATA_ROOT (transfer learning: a new head on a pretrained backbone); poll `trainingJob` or subscribe to `trainingJobEvents`.',
  })
  trainModel(@Arg('input', () => TrainModelInput, { description: 'What to train on, where to write the model, and the training settings.' }) input: TrainModelInput, @Ctx() { services }: GatewayContext) {
    return services.training.start(input);
  }

  @Query(() => TrainingJobNode, { nullable: true, description: 'A training job by id. Jobs are kept in memory: a restart forgets them, and an unknown id is an error (TRAINING_JOB_NOT_FOUND), not null.' })
  trainingJob(@Arg('id', () => ID, { description: '`TrainingJob.id`, as `trainModel` returned it.' }) id: string, @Ctx() { services }: GatewayContext) {
    const job = services.training.get(id);
    if (!job) throw new GatewayError(ErrorCode.TrainingJobNotFound, `No training job ${quoteInput(id)} (jobs are forgotten when the gateway restarts).`, { id: inputPrefix(id) });
    return job;
  }

  @Query(() => [TrainingJobNode], { description: `Training jobs, newest first: the queued and running ones and the last ${DEFAULT_KEEP_FINISHED} finished (kept in memory until a restart).` })
  trainingJobs(@Ctx() { services }: GatewayContext) {
    return services.training.list();
  }

  @FieldResolver(() => Model, { nullable: true, description: 'The served model, once SUCCEEDED.' })
  model(@Root() job: TrainingJob, @Ctx() { services }: GatewayContext) {
    return job.status === 'SUCCEEDED' ? (services.models.list().find((model) => model.id === job.modelId) ?? null) : null;
  }
}
