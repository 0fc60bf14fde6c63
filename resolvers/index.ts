import type { NonEmptyArray } from 'type-graphql';
import { ClassificationResolver } from './ClassificationResolver';
import { ClassResolver } from './ClassResolver';
import { ImageResolver } from './ImageResolver';
import { LabelResolver } from './LabelResolver';
import { ModelResolver } from './ModelResolver';
import { RelationResolver } from './RelationResolver';
import { TrainingResolver } from './TrainingResolver';
import { TrainingEventsResolver } from './TrainingEventsResolver';
import { SimilarityResolver } from './SimilarityResolver';
import { CapabilitiesResolver } from './CapabilitiesResolver';
import { ModelEvaluationResolver } from './ModelEvaluationResolver';
import { TrainingEpochResolver } from './TrainingEpochResolver';
import { TrainingDatasetResolver } from './TrainingDatasetResolver';

/** Every resolver class of the schema; the order fixes the order of fields in schema.graphql. */
export const resolvers: NonEmptyArray<new (...args: never[]) => object> = [
  ClassResolver,
  ImageResolver,
  RelationResolver,
  ModelResolver,
  ClassificationResolver,
  LabelResolver,
  TrainingResolver,
  SimilarityResolver,
  CapabilitiesResolver,
  ModelEvaluationResolver,
  TrainingEventsResolver,
  TrainingEpochResolver,
  TrainingDatasetResolver,
];
