import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DEFAULT_FRACTIONS } from '../training/dataset/assignSplits';
import { TRAINING_DEFAULTS } from '../training/trainingDefaults';
import { TRAINING_STATUSES, type TrainingStatus as TrainingStatusName } from '../training/trainingJob';

/** The GraphQL enum of the domain's statuses (training/trainingJob.ts), in the same order. */
export const TrainingStatus = Object.fromEntries(TRAINING_STATUSES.map((status) => [status, status])) as { [S in TrainingStatusName]: S };

registerEnumType(TrainingStatus, {
  name: 'TrainingStatus',
  description: 'Where a training job is.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for the job before it (one job trains at a time).' },
    RUNNING: { description: 'Embedding images, training the head, evaluating or saving.' },
    SUCCEEDED: { description: 'The model is written and served: use it in `classify(model:)`.' },
    FAILED: { description: 'See `error`.' },
    CANCELLED: { description: 'Stopped by `cancelTrainingJob` before it finished; nothing was written.' },
  },
});

@InputType({ description: "A transfer-learning job. Paths are relative to the gateway's TRAINING_DATA_ROOT; give `data` or `csv`." })
export class TrainModelInput {
  @Field(() => ID, {
    description:
      'Id of the model to write (MODELS_DIR/<modelId>) and serve: letters, digits, `.`, `_` or `-`, at most 100, starting with a letter or digit. ' +
      'It must be new, or a model you trained (then give `replace: true`); the default model and folders `trainModel` did not write are never overwritten.',
  })
  modelId!: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      "Replace your own trained model of the same id once the job succeeds. Models you did not train (the default model, downloaded ones, other callers') are never replaced.",
  })
  replace?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A folder with one sub-folder of images per class (folder name = label). Give exactly one of `data` or `csv`.' })
  data?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'An AutoML Vision CSV: `split,path_or_uri,label[,label...]`; paths relative to the CSV, gs:// or https://. Several labels per image train a multi-label model.',
  })
  csv?: string | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: TRAINING_DEFAULTS.epochs,
    description: 'Passes over the TRAIN images while training the head, 1 to 1000 (the refit on all images, `refitOnAllPhotos`, repeats them).',
  })
  epochs?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.batchSize, description: 'TRAIN examples per optimisation step of the head, 1 to 4096.' })
  batchSize?: number | null;

  @Field(() => Float, {
    nullable: true,
    defaultValue: TRAINING_DEFAULTS.learningRate,
    description: 'Adam learning rate of the head, 1e-6 to 1.',
  })
  learningRate?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.hiddenUnits, description: 'Units of a hidden ReLU layer in the head, 0 to 4096; 0 for a linear head.' })
  hiddenUnits?: number | null;

  @Field(() => Int, { nullable: true, defaultValue: TRAINING_DEFAULTS.augment, description: 'Augmented copies (flip, crop, brightness) of each TRAIN image, 0 to 20; 0 for none.' })
  augment?: number | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: TRAINING_DEFAULTS.seed,
    description: 'Seed of the split, the augmentation and the initial weights, 0 to 2147483647: same seed, same data, same model.',
  })
  seed?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: TRAINING_DEFAULTS.refitOnAllPhotos,
    description:
      'Once the model trained on TRAIN has been scored on TEST, train again with the same settings on every labelled image (TRAIN, VALIDATION and TEST) and serve that model. ' +
      'The reported `evaluation` is always the held-out one: the TEST scores of the model trained without those images (as AutoML reports TEST). False: serve the evaluated model itself.',
  })
  refitOnAllPhotos?: boolean | null;

  @Field(() => Float, {
    nullable: true,
    defaultValue: DEFAULT_FRACTIONS.validation,
    description: 'Share of images without a split that go to VALIDATION (reported per epoch), 0 to 0.9; with `testFraction`, below 1.',
  })
  validationFraction?: number | null;

  @Field(() => Float, {
    nullable: true,
    defaultValue: DEFAULT_FRACTIONS.test,
    description: 'Share of images without a split that go to TEST (the evaluation), 0 to 0.9; with `validationFraction`, below 1. The job fails when no image ends up in TEST.',
  })
  testFraction?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A TF.js layers model folder (under TRAINING_DATA_ROOT) to start from, kept frozen; default: the shipped default model (MobileNet V2: the head learns from its final 1280-d vector).',
  })
  backbone?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'What the head learns from: a backbone layer, or a comma-separated list `layer[:avg|max|avg+max]` whose pooled outputs are concatenated. ' +
      "Default: the backbone's last global pooling layer (its final vector; on unseen photos it does better than mid-level features such as `dwconv_13,conv_28:avg+max`).",
  })
  featureLayer?: string | null;
}

@ObjectType({ description: 'Precision, recall and F1 of one label on the TEST split, at score threshold 0.5.' })
export class ClassMetrics {
  @Field({ description: 'The label (a class folder name or a CSV label).' })
  label!: string;

  @Field(() => Float, { description: 'Of the TEST images given this label (score at least 0.5), the share that have it, 0 to 1; 0 when none is given it.' })
  precision!: number;

  @Field(() => Float, { description: 'Of the TEST images that have this label, the share given it (score at least 0.5), 0 to 1.' })
  recall!: number;

  @Field(() => Float, { description: 'Harmonic mean of `precision` and `recall`, 0 to 1.' })
  f1!: number;

  @Field(() => Int, { description: 'TEST images with this label.' })
  support!: number;

  @Field(() => Float, { description: "Area under this label's precision-recall curve (average precision), 0 to 1." })
  auPrc!: number;
}

@ObjectType({ description: 'Micro-averaged precision and recall over (image, label) pairs at one score threshold.' })
export class ConfidenceMetrics {
  @Field(() => Float, { description: 'Score at or above which a label counts as given: 0.05, 0.10, ... 0.95.' })
  threshold!: number;

  @Field(() => Float, { description: 'Of the (image, label) pairs given at this threshold, the share that are right, 0 to 1; 0 when none is given.' })
  precision!: number;

  @Field(() => Float, { description: 'Of the true (image, label) pairs, the share given at this threshold, 0 to 1.' })
  recall!: number;

  @Field(() => Float, { description: 'Harmonic mean of `precision` and `recall`, 0 to 1.' })
  f1!: number;
}

@ObjectType({ description: '`matrix[i][j]`: TEST images labelled `labels[i]` predicted as `labels[j]`.' })
export class ConfusionMatrix {
  @Field(() => [String], { description: 'The labels, in the order of the rows and of the columns.' })
  labels!: string[];

  @Field(() => [[Int]], {
    description:
      'One row per true label, one column per predicted label (the top score; multi-label: every label scoring at least 0.5, so a row may count an image several times).',
  })
  matrix!: number[][];
}

@ObjectType({ description: 'How a trained model did on its TEST split (AutoML Vision style).' })
export class ModelEvaluation {
  @Field(() => Int, { description: 'TEST images scored.' })
  examples!: number;

  @Field({
    description: 'True when the training data gave some image several labels: the model then scores each label on its own (sigmoid) instead of sharing 1 among them (softmax).',
  })
  multiLabel!: boolean;

  @Field(() => Float, {
    description: 'Share of TEST images classified right, 0 to 1. Single-label: the top label is right. Multi-label: the labels scoring at least 0.5 are exactly right.',
  })
  accuracy!: number;

  @Field(() => Float, { description: 'Micro-averaged area under the precision-recall curve over (image, label) pairs, 0 to 1.' })
  auPrc!: number;

  @Field(() => Float, { description: 'Mean cross-entropy on TEST (categorical; multi-label: binary, per label), 0 or more; lower is better.' })
  logLoss!: number;

  @Field(() => [ClassMetrics], { description: 'Precision, recall and F1 of each label at score threshold 0.5, in the order of `confusionMatrix.labels`.' })
  perClass!: ClassMetrics[];

  @Field(() => ConfusionMatrix, { description: 'TEST images by true label (rows) and predicted label (columns).' })
  confusionMatrix!: ConfusionMatrix;

  @Field(() => [ConfidenceMetrics], { description: 'Micro-averaged precision and recall at thresholds 0.05, 0.10, ... 0.95 (19 entries).' })
  confidenceMetrics!: ConfidenceMetrics[];
}

@ObjectType('TrainingJob', { description: 'A transfer-learning job started by `trainModel`.' })
export class TrainingJobNode {
  @Field(() => ID, { description: 'Job id (a random UUID); pass it to `trainingJob(id:)` or `trainingJobEvents(id:)`.' })
  id!: string;

  @Field(() => ID, { description: 'The model it writes; served under this id once SUCCEEDED.' })
  modelId!: string;

  @Field(() => String, { description: 'Who started it: `user:<sub>` (a JWT), `key:<name>` (an API key) or `anon:<address>`. Only the owner and admins see a job.' })
  owner!: string;

  @Field(() => TrainingStatus, { description: 'QUEUED, RUNNING, then SUCCEEDED, FAILED or CANCELLED.' })
  status!: TrainingStatusName;

  @Field(() => String, {
    nullable: true,
    description:
      'The stage the job is in or ended in: `reading`, `embedding`, `training`, `evaluating`, `refitting` (with `refitOnAllPhotos`: training again on every labelled photo) or `saving`; null until the job reports its first progress.',
  })
  stage?: string;

  @Field(() => Float, { description: 'Share of the job done, 0 to 1.' })
  progress!: number;

  @Field(() => Int, { nullable: true, description: 'Last finished epoch, 1 to `epochs`; null until the first epoch ends.' })
  epoch?: number;

  @Field(() => Int, {
    description:
      "Epochs in all, as planned when the job was accepted (it never changes): the input's `epochs` for the head plus any fine-tuning ones, twice with `refitOnAllPhotos` (the evaluated fit, then the refit).",
  })
  epochs!: number;

  @Field(() => Float, { nullable: true, description: 'Training loss of the last finished epoch (the last of `history`); null until the first epoch ends.' })
  loss?: number;

  @Field(() => Float, {
    nullable: true,
    description: 'VALIDATION accuracy after the last finished epoch, 0 to 1; null until the first epoch ends or when no image is in VALIDATION.',
  })
  validationAccuracy?: number;

  @Field(() => Float, { nullable: true, description: 'Estimated seconds left; null while QUEUED, in the first 2% of the job and once it has finished.' })
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

  @Field(() => String, {
    nullable: true,
    description: 'Id of the backbone and features the head learnt from (`<folder>@<weights digest>:<feature layers>`); null until SUCCEEDED.',
  })
  backbone?: string;

  @Field(() => GraphQLISODateTime, { description: 'When `trainModel` accepted the job.' })
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the job began RUNNING; null while QUEUED (and for a job that failed before it ran).' })
  startedAt?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the job SUCCEEDED or FAILED; null until then.' })
  finishedAt?: Date;
}
