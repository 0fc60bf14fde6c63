import { ArgsType, Field, Float, Int, ObjectType } from 'type-graphql';
import { ClassMetrics } from './training';

@ObjectType({ description: 'Micro-averaged and per-label metrics of an evaluation at one score threshold.' })
export class ThresholdMetrics {
  @Field(() => Float, { description: 'The threshold asked for.' })
  threshold!: number;

  @Field(() => Float, { description: 'Of the (image, label) pairs given at this threshold, the share that are right, 0 to 1; 0 when none is given.' })
  precision!: number;

  @Field(() => Float, { description: 'Of the true (image, label) pairs, the share given at this threshold, 0 to 1.' })
  recall!: number;

  @Field(() => Float, { description: 'Harmonic mean of `precision` and `recall`, 0 to 1.' })
  f1!: number;

  @Field(() => Int, { description: 'TEST photos whose top score is below the threshold (given no label).' })
  unlabelled!: number;

  @Field(() => [ClassMetrics], { description: 'Per label at this threshold, in the order of `confusionMatrix.labels` (`auPrc` does not depend on the threshold).' })
  perClass!: ClassMetrics[];
}

@ObjectType({ description: 'One TEST photo of an evaluation, as the model scored it.' })
export class EvaluatedPhoto {
  @Field({ description: "Path of the photo relative to TRAINING_DATA_ROOT's dataset (the folder or the CSV's rows)." })
  path!: string;

  @Field(() => [String], { description: 'The labels the photo has.' })
  trueLabels!: string[];

  @Field({ description: 'The label the model scored highest.' })
  predictedLabel!: string;

  @Field(() => Float, { description: 'The top score, 0 to 1.' })
  score!: number;

  @Field(() => [Float], { description: 'Scores in the order of `confusionMatrix.labels`.' })
  scores!: number[];

  @Field(() => String, {
    nullable: true,
    description: 'A small JPEG of the photo (at most 128 px a side, re-encoded by the gateway when it was evaluated) as a `data:image/jpeg;base64,` URL; null when none was kept.',
  })
  thumbnail?: string | null;
}

@ArgsType()
export class EvaluationPhotosArgs {
  @Field(() => String, { nullable: true, description: 'Only photos with this true label.' })
  trueLabel?: string | null;

  @Field(() => String, { nullable: true, description: 'Only photos predicted as this label (the top score; multi-label: every label scoring at least 0.5).' })
  predictedLabel?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: 'Most photos to return, 1 to 500.' })
  first?: number | null;
}
