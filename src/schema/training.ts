import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { TRAINING_DEFAULTS } from '../training/trainClassifier';

export enum TrainingStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(TrainingStatus, {
  name: 'TrainingStatus',
  description: 'Where a training job is.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for the job before it (one job trains at a time).' },
    RUNNING: { description: 'Embedding images, training the head, evaluating or saving.' },
    SUCCEEDED: { description: 'The model is written and served: use it in `classify(model:)`.' },
    FAILED: { description: 'See `error`.' },
  },
});

@InputType({ description: 'A transfer-learning job. Paths are relative to the gateway\'s TRAINING_DATA_ROOT; give `data` or `csv`.' })
export class TrainModelInput {
  @Field(() => ID, { description: 'Id of the model to write (MODELS_DIR/<modelId>) and serve.' })
  modelId!: string;

  @Field(() => String, { nullable: true, description: 'A folder with one sub-folder of images per class (folder name = label).' })
  data?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An AutoML Vision CSV: `split,path_or_uri,label[,label...]`; paths relative to the CSV, gs:// or https://. Several labels per image train a multi-label model.',
  })
  csv?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.epochs })
  epochs?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.batchSize })
  batchSize?: number | null;

  @Field(() => Float, { nullable: true, defaultValue: TRAINING_DEFAULTS.learningRate })
  learningRate?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.hiddenUnits, description: 'Units of a hidden ReLU layer in the head; 0 for a linear head.' })
  hiddenUnits?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.augment, description: 'Augmented copies (flip, crop, brightness) of each TRAIN image.' })
  augment?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.seed, description: 'Same seed, same data: same model.' })
  seed?: number | null;

  @Field(() => Float, { nullable: true, defaultValue: 0.1, description: 'Share of images without a split that go to VALIDATION.' })
  validationFraction?: number | null;

  @Field(() => Float, { nullable: true, defaultValue: 0.1, description: 'Share of images without a split that go to TEST (the evaluation).' })
  testFraction?: number | null;

  @Field(() => String, { nullable: true, description: 'A TF.js layers model folder (under TRAINING_DATA_ROOT) to start from; default: the shipped default model (MobileNet V2: the head learns from its mid-level features, block 14 fine-tuned).' })
  backbone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What the head learns from: a backbone layer, or a comma-separated list `layer[:avg|max|avg+max]` whose pooled outputs are concatenated. ' +
      'Default: `dwconv_13,conv_28:avg+max` on the default backbone (mid-level MobileNet V2 features), else the last global pooling layer.',
  })
  featureLayer?: string | null;
}

@ObjectType({ description: 'Precision, recall and F1 of one label on the TEST split, at score threshold 0.5.' })
export class ClassMetrics {
  @Field()
  label!: string;

  @Field(() => Float)
  precision!: number;

  @Field(() => Float)
  recall!: number;

  @Field(() => Float)
  f1!: number;

  @Field(() => Int, { description: 'TEST images with this label.' })
  support!: number;

  @Field(() => Float, { description: 'Area under this label\'s precision-recall curve.' })
  auPrc!: number;
}

@ObjectType({ description: 'Micro-averaged precision and recall over (image, label) pairs at one score threshold.' })
export class ConfidenceMetrics {
  @Field(() => Float)
  threshold!: number;

  @Field(() => Float)
  precision!: number;

  @Field(() => Float)
  recall!: number;

  @Field(() => Float)
  f1!: number;
}

@ObjectType({ description: '`matrix[i][j]`: TEST images labelled `labels[i]` predicted as `labels[j]`.' })
export class ConfusionMatrix {
  @Field(() => [String])
  labels!: string[];

  @Field(() => [[Int]])
  matrix!: number[][];
}

@ObjectType({ description: 'How a trained model did on its TEST split (AutoML Vision style).' })
export class ModelEvaluation {
  @Field(() => Int, { description: 'TEST images scored.' })
  examples!: number;

  @Field()
  multiLabel!: boolean;

  @Field(() => Float, { description: 'Single-label: top label is right. Multi-label: labels at 0.5 are exactly right.' })
  accuracy!: number;

  @Field(() => Float, { description: 'Micro-averaged area under the precision-recall curve.' })
  auPrc!: number;

  @Field(() => Float, { description: 'Mean cross-entropy.' })
  logLoss!: number;

  @Field(() => [ClassMetrics])
  perClass!: ClassMetrics[];

  @Field(() => ConfusionMatrix)
  confusionMatrix!: ConfusionMatrix;

  @Field(() => [ConfidenceMetrics], { description: 'At thresholds 0.05, 0.10, ... 0.95.' })
  confidenceMetrics!: ConfidenceMetrics[];
}

@ObjectType('TrainingJob', { description: 'A transfer-learning job started by `trainModel`.' })
export class TrainingJobNode {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The model it writes; served under this id once SUCCEEDED.' })
  modelId!: string;

  @Field(() => TrainingStatus)
  status!: TrainingStatus;

  @Field(() => String, { nullable: true, description: '`reading`, `embedding`, `training`, `evaluating` or `saving` while RUNNING.' })
  stage?: string;

  @Field(() => Float, { description: 'Share of the job done, 0 to 1.' })
  progress!: number;

  @Field(() => Int, { nullable: true, description: 'Last finished epoch.' })
  epoch?: number;

  @Field(() => Int)
  epochs!: number;

  @Field(() => Float, { nullable: true, description: 'Training loss of the last finished epoch.' })
  loss?: number;

  @Field(() => Float, { nullable: true, description: 'VALIDATION accuracy after the last finished epoch.' })
  validationAccuracy?: number;

  @Field(() => Float, { nullable: true, description: 'Estimated seconds left.' })
  etaSeconds?: number;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the job FAILED. In production it never quotes training files or names server paths: it says what kind of problem it was and which job to look up in the gateway log.',
  })
  error?: string;

  @Field(() => String, {
    nullable: true,
    description:
      'A stable code for `error`: `TRAINING_DATA_INVALID` (the data cannot be used), `TRAINING_SOURCE_REFUSED` (a file outside TRAINING_DATA_ROOT, or a remote source TRAINING_REMOTE_SOURCES does not allow), `BAD_USER_INPUT`, `SHUTTING_DOWN` or `INTERNAL_SERVER_ERROR`.',
  })
  errorCode?: string;

  @Field(() => ModelEvaluation, { nullable: true, description: 'The TEST-split report, once SUCCEEDED.' })
  evaluation?: ModelEvaluation;

  @Field(() => String, { nullable: true, description: 'Id of the backbone the embeddings came from.' })
  backbone?: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt?: Date;
}
