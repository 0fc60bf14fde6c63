import { FieldResolver, Resolver, Root } from 'type-graphql';
import type { ModelInfo } from '../src/models/types';
import { Model } from '../src/schema/classification';
import { ModelEvaluation } from '../src/schema/training';
import { asModelEvaluation } from '../src/training/evaluate';

@Resolver(() => Model)
export class ModelEvaluationResolver {
  @FieldResolver(() => ModelEvaluation, {
    nullable: true,
    description: 'TEST-split report of a model trained by `trainModel` / `npm run train`; null for a model without one (e.g. the shipped default).',
  })
  evaluation(@Root() model: ModelInfo) {
    return asModelEvaluation(model.evaluation);
  }
}
