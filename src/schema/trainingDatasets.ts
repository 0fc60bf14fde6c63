import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DATASET_WARNING_CODES, type DatasetKind, type DatasetWarningCode } from '../training/catalog/catalogTypes';

export const TrainingDatasetKind: { [K in DatasetKind]: K } = { FOLDER: 'FOLDER', CSV: 'CSV' };

registerEnumType(TrainingDatasetKind, {
  name: 'TrainingDatasetKind',
  description: 'How a dataset is laid out.',
  valuesConfig: {
    FOLDER: { description: 'A folder whose sub-folders are the labels (photos may sit deeper inside them); the split is assigned by training.' },
    CSV: { description: 'A CSV file with one row per (photo path, label).' },
  },
});

/** The GraphQL enum of the domain's warning codes (training/catalog/catalogTypes.ts), in the same order. */
export const TrainingDatasetWarningCode = Object.fromEntries(DATASET_WARNING_CODES.map((code) => [code, code])) as { [C in DatasetWarningCode]: C };

registerEnumType(TrainingDatasetWarningCode, {
  name: 'TrainingDatasetWarningCode',
  description: 'Kinds of dataset warnings.',
  valuesConfig: {
    FEW_PHOTOS: { description: 'A label has fewer than 10 photos.' },
    UNBALANCED: { description: 'The largest label has more than 3 times the photos of the smallest.' },
    DUPLICATES: { description: 'The same photo (same bytes) appears more than once; it may land in both TRAIN and TEST.' },
  },
});

@ObjectType('TrainingPhoto', { description: 'A photo of a training dataset.' })
export class TrainingPhotoNode {
  @Field({ description: 'Path of the photo relative to TRAINING_DATA_ROOT.' })
  path!: string;

  @Field({ description: 'A small JPEG of the photo (at most 128 px a side, re-encoded by the gateway) as a `data:image/jpeg;base64,` URL.' })
  thumbnail!: string;
}

/** `samples` is a field resolver (TrainingDatasetResolver): thumbnails are made only when asked for. */
@ObjectType('TrainingDatasetClass', { description: 'One label of a dataset.' })
export class TrainingDatasetClassNode {
  @Field({ description: 'The label (a class folder name or a CSV label).' })
  label!: string;

  @Field(() => Int, { description: 'Photos with this label.' })
  photoCount!: number;
}

@ObjectType('TrainingDatasetWarning', { description: 'Something in a dataset that may make a model trained on it poor.' })
export class TrainingDatasetWarningNode {
  @Field(() => TrainingDatasetWarningCode, { description: 'FEW_PHOTOS, UNBALANCED or DUPLICATES.' })
  code!: DatasetWarningCode;

  @Field({ description: 'What it is and what to do, for people to read.' })
  message!: string;

  @Field(() => [String], { description: 'The labels it concerns (empty when it concerns the whole dataset).' })
  labels!: string[];
}

@ObjectType('TrainingDataset', { description: 'A dataset under TRAINING_DATA_ROOT that `trainModel` can read.' })
export class TrainingDatasetNode {
  @Field({ description: 'Path relative to TRAINING_DATA_ROOT: pass it as `TrainModelInput.data` (FOLDER) or `TrainModelInput.csv` (CSV).' })
  path!: string;

  @Field(() => TrainingDatasetKind, { description: 'A folder of class folders, or a CSV file of (path, label) rows.' })
  kind!: DatasetKind;

  @Field(() => Int, { description: 'Photos in all (a photo with several labels counts once).' })
  photoCount!: number;

  @Field(() => [TrainingDatasetClassNode], { description: 'The labels, by name, with their photo counts.' })
  classes!: TrainingDatasetClassNode[];

  @Field(() => [TrainingDatasetWarningNode], { description: 'What may make a model trained on it poor: few photos in a class, unbalanced classes, duplicate photos.' })
  warnings!: TrainingDatasetWarningNode[];
}
