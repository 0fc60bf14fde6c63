import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { RateLimit } from '../src/graphql/rateLimit';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { Model } from '../src/schema/classification';
import { ModelEvaluation, TrainingJobNode, TrainModelInput } from '../src/schema/training';
import { TrainingEpoch } from '../src/schema/trainingEvents';
import type { EpochReport } from '../src/training/epochReport';
import type { ServedEvaluation } from '../src/training/evaluationPhotos';
import type { TrainingJob } from '../src/training/trainingJob';
import { assertJobId, DEFAULT_KEEP_FINISHED } from '../src/training/TrainingJobs';

@Resolver(() => TrainingJobNode)
export class TrainingResolver {
  @RequiresScope('train')
  @RateLimit('trainModel')
  @Mutation(() => TrainingJobNode, {
    description:
      'Starts training a classifier on data under TRAINING_DATA_ROOT (transfer learning: a new head on a pretrained backbone); poll `trainingJob` or subscribe to `trainingJobEvents`. ' +
      'The job and its model belong to the caller. Refused at once when the training queue is full (OVERLOADED) or the caller already has its share of it (RATE_LIMITED).',
  })
  trainModel(
    @Arg('input', () => TrainModelInput, { description: 'What to train on, the id to serve it under, and the training settings.' }) input: TrainModelInput,
    @Ctx() { services, caller }: GatewayContext,
  ) {
    return services.training.start(input, caller);
  }

  @RequiresScope('train')
  @Mutation(() => TrainingJobNode, {
    description:
      'Stops a QUEUED or RUNNING job of yours (any job, for `admin`), on whichever replica runs it: it ends CANCELLED and writes nothing. A finished job is returned as it is.',
  })
  cancelTrainingJob(@Arg('id', () => ID, { description: "The job's `id`." }) id: string, @Ctx() { services, caller }: GatewayContext) {
    return services.training.cancel(id, caller);
  }

  @RequiresScope('read')
  @Query(() => TrainingJobNode, {
    nullable: true,
    description:
      "One of your training jobs (any, for `admin`); null for an unknown id or someone else's job. Any replica answers: jobs are records in the model repository (a job whose replica stopped is FAILED, TRAINING_INTERRUPTED).",
  })
  async trainingJob(@Arg('id', () => ID, { description: "The job's `id`, as `trainModel` returned it." }) id: string, @Ctx() { services, caller }: GatewayContext) {
    assertJobId(id);
    return (await services.training.lookup(id, caller)) ?? null;
  }

  @RequiresScope('read')
  @Query(() => [TrainingJobNode], {
    description: `Your training jobs (every caller's, for \`admin\`), newest first: the queued and running ones and the last ${DEFAULT_KEEP_FINISHED} finished, from every replica (records in the model repository).`,
  })
  async trainingJobs(@Ctx() { services, caller }: GatewayContext) {
    return services.training.listAll(caller);
  }

  @FieldResolver(() => Model, { nullable: true, description: 'The served model, once SUCCEEDED.' })
  model(@Root() job: TrainingJob, @Ctx() { services }: GatewayContext) {
    return job.status === 'SUCCEEDED' ? (services.models.list().find((model) => model.id === job.modelId) ?? null) : null;
  }

  @FieldResolver(() => ModelEvaluation, { nullable: true, description: 'The TEST-split report, once SUCCEEDED.' })
  evaluation(@Root() job: TrainingJob, @Ctx() { services }: GatewayContext): ServedEvaluation | null {
    if (!job.evaluation) return null;
    // Its TEST photos are in the served model's folder while that is the version this job wrote.
    const origin = services.models.origin(job.modelId);
    return { ...job.evaluation, photosIn: origin?.marker?.jobId === job.id ? origin.dir : undefined, photosOwner: job.owner };
  }

  @FieldResolver(() => [TrainingEpoch], {
    description: 'Every finished epoch so far, in order (HEAD, then FINE_TUNE, then REFIT), kept with the job: a page opened later, on any replica, draws the whole curve.',
  })
  async history(@Root() job: TrainingJob, @Ctx() { services, caller }: GatewayContext): Promise<EpochReport[]> {
    // An event's `job` comes without its history: read from the job itself (in memory or its record).
    return job.history ?? (await services.training.lookup(job.id, caller))?.history ?? [];
  }
}
