import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../src/context';
import type { ModelInfo } from '../src/models/types';
import { Model } from '../src/schema/classification';
import { ModelEvaluation } from '../src/schema/training';
import { asModelEvaluation } from '../src/training/evaluate';
import type { ServedEvaluation } from '../src/training/evaluationPhotos';

@Resolver(() => Model)
export class ModelEvaluationResolver {
  @FieldResolver(() => ModelEvaluation, {
    nullable: true,
    description: 'TEST-split report of a model trained by `trainModel` / `npm run train`; null for a model without one (e.g. the shipped default).',
  })
  evaluation(@Root() model: ModelInfo, @Ctx() { services }: GatewayContext): ServedEvaluation | null {
    const evaluation = asModelEvaluation(model.evaluation);
    // The served version's folder holds its TEST photos (EvaluationResolver reads them there).
    return evaluation && { ...evaluation, photosIn: services.models.origin(model.id)?.dir, photosOwner: model.owner };
  }
}
