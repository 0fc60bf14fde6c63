import { Arg, Args, Ctx, Float, FieldResolver, Resolver, Root } from 'type-graphql';
import { hasScope } from '../src/auth/caller';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { ErrorCode, GatewayError } from '../src/errors';
import { EvaluatedPhoto, EvaluationPhotosArgs, ThresholdMetrics } from '../src/schema/evaluation';
import { ConfidenceMetrics, ModelEvaluation } from '../src/schema/training';
import { cachedEvaluationPhotos, curveOf, filterPhotos, thresholdMetricsOf, unknownThresholdOf, type ServedEvaluation } from '../src/training/evaluationPhotos';

const photosOf = (evaluation: ServedEvaluation) => (evaluation.photosIn ? cachedEvaluationPhotos(evaluation.photosIn) : Promise.resolve(undefined));

/** The parts of an evaluation that need its kept TEST scores and photos (read from the model folder on first use). */
@Resolver(() => ModelEvaluation)
export class EvaluationResolver {
  @FieldResolver(() => [ConfidenceMetrics], {
    description:
      'The micro-averaged precision-recall curve: one entry per threshold 0.00, 0.01, ... 1.00 (101 entries), from the TEST scores kept with the evaluation; empty for an evaluation written before scores were kept.',
  })
  async precisionRecallCurve(@Root() evaluation: ServedEvaluation) {
    return curveOf(evaluation, evaluation.precisionRecallCurve ? undefined : await photosOf(evaluation));
  }

  @FieldResolver(() => ThresholdMetrics, {
    description:
      'Micro-averaged and per-label metrics at one score threshold, from the TEST scores kept with the evaluation (for an evaluation written before scores were kept: the nearest of `confidenceMetrics` and `perClass` at 0.5).',
  })
  async atThreshold(
    @Root() evaluation: ServedEvaluation,
    @Arg('threshold', () => Float, { description: 'Score at or above which a label counts as given, 0 to 1.' }) threshold: number,
  ) {
    return thresholdMetricsOf(evaluation, await photosOf(evaluation), threshold);
  }

  @FieldResolver(() => Float, {
    description:
      'Top score below which a photo is better called "none of these classes": the 5th percentile of the top scores of the TEST photos the model classified right (95% of those stay named). A model only knows its own labels; photos unlike its training data still get one of them, sometimes with a high score.',
  })
  async unknownThreshold(@Root() evaluation: ServedEvaluation) {
    return unknownThresholdOf(evaluation, evaluation.unknownThreshold === undefined ? await photosOf(evaluation) : undefined);
  }

  @RequiresScope('train')
  @FieldResolver(() => [EvaluatedPhoto], {
    description:
      'The TEST photos as they were evaluated (kept with the evaluation), in TEST order; with `trueLabel` and `predictedLabel`: the photos of that confusion-matrix cell. They are training data: only the caller who trained the model (and admins) may see them; others get FORBIDDEN.\n\n' +
      // Written here: the schema adds the scope line to root fields only.
      'Needs the `train` scope (or `admin`).',
  })
  async photos(@Root() evaluation: ServedEvaluation, @Args() { trueLabel, predictedLabel, first }: EvaluationPhotosArgs, @Ctx() { caller }: GatewayContext) {
    if (evaluation.photosOwner && evaluation.photosOwner !== caller.id && !hasScope(caller, 'admin')) {
      throw new GatewayError(ErrorCode.Forbidden, "These TEST photos are another caller's training data: only the model's owner and admins see them.");
    }
    return filterPhotos(await photosOf(evaluation), { trueLabel, predictedLabel, first: first ?? 50 });
  }
}
