import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TrainingJobNode } from './training';

export enum TrainingJobEventKind {
  STATUS = 'STATUS',
  STAGE = 'STAGE',
  PROGRESS = 'PROGRESS',
  EPOCH = 'EPOCH',
}

registerEnumType(TrainingJobEventKind, {
  name: 'TrainingJobEventKind',
  description: 'What happened; `job` holds the state after it.',
  valuesConfig: {
    STATUS: { description: 'The job became QUEUED, RUNNING, SUCCEEDED (with `job.evaluation`), FAILED (with `job.error`) or CANCELLED.' },
    STAGE: { description: 'A stage began (`stage`).' },
    PROGRESS: { description: 'Work within the stage: `step` of `steps` (e.g. images embedded).' },
    EPOCH: { description: 'An epoch finished: `epoch` has its loss and accuracy.' },
  },
});

export enum TrainingPhase {
  HEAD = 'HEAD',
  FINE_TUNE = 'FINE_TUNE',
  REFIT = 'REFIT',
}

registerEnumType(TrainingPhase, {
  name: 'TrainingPhase',
  description: 'Which part of training an epoch belongs to.',
  valuesConfig: {
    HEAD: { description: "The classification head learns on the backbone's frozen features (evaluated on VALIDATION)." },
    FINE_TUNE: { description: "The backbone's top layers learn together with the head (`fineTuneFrom`)." },
    REFIT: { description: 'After the TEST evaluation, the same settings learn again on every labelled photo (`refitOnAllPhotos`); no VALIDATION figures.' },
  },
});

/** The GraphQL phase of an epoch report. */
export function trainingPhaseOf(epoch: { phase?: string; refit?: boolean }): TrainingPhase {
  if (epoch.refit) return TrainingPhase.REFIT;
  return epoch.phase === 'fine-tune' ? TrainingPhase.FINE_TUNE : TrainingPhase.HEAD;
}

@ObjectType({ description: 'One finished training epoch.' })
export class TrainingEpoch {
  @Field(() => Int, { description: "The epoch that finished, 1 to `epochs`: the head's, then any fine-tuning ones, then the refit's (see `phase`)." })
  epoch!: number;

  @Field(() => Int, { description: "Epochs in all: the head's plus any fine-tuning ones, twice with `refitOnAllPhotos`." })
  epochs!: number;

  // `phase` is resolved from the training's own report by resolvers/TrainingEpochResolver.ts.

  @Field(() => Float, { description: 'Training loss of the epoch.' })
  loss!: number;

  @Field(() => Float, { nullable: true, description: 'Mean cross-entropy on the VALIDATION split; null when no image is in VALIDATION.' })
  validationLoss?: number;

  @Field(() => Float, { nullable: true, description: 'Accuracy on the VALIDATION split, 0 to 1; null when no image is in VALIDATION.' })
  validationAccuracy?: number;
}

@ObjectType('TrainingJobEvent', { description: 'One event of a training job, as `trainingJobEvents` streams them.' })
export class TrainingJobEventNode {
  @Field(() => ID, { description: 'The job the event is about (`TrainingJob.id`).' })
  jobId!: string;

  @Field(() => Int, { description: '1, 2, 3 ... per job, in the order the events happened (a late subscriber starts at the latest).' })
  sequence!: number;

  @Field(() => TrainingJobEventKind, { description: 'What happened: a status change, a new stage, progress within a stage, or a finished epoch.' })
  kind!: TrainingJobEventKind;

  @Field(() => GraphQLISODateTime, { description: 'When it happened.' })
  at!: Date;

  @Field(() => String, { nullable: true, description: 'The stage the job is in, e.g. `reading`, `embedding`, `training`, `evaluating`, `saving`; new stages may appear.' })
  stage?: string;

  @Field(() => Int, { nullable: true, description: 'Units of work done in the stage (PROGRESS, STAGE).' })
  step?: number;

  @Field(() => Int, { nullable: true, description: 'Units of work in the stage.' })
  steps?: number;

  @Field(() => TrainingEpoch, { nullable: true, description: 'On EPOCH events.' })
  epoch?: TrainingEpoch;

  @Field(() => TrainingJobNode, { description: 'The job right after this event: status, progress, loss, ETA, and the evaluation once SUCCEEDED.' })
  job!: TrainingJobNode;
}
