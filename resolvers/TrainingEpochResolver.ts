import { FieldResolver, Resolver, Root } from 'type-graphql';
import { TrainingEpoch, TrainingPhase, trainingPhaseOf } from '../src/schema/trainingEvents';
import type { EpochReport } from '../src/training/epochReport';

@Resolver(() => TrainingEpoch)
export class TrainingEpochResolver {
  @FieldResolver(() => TrainingPhase, { description: 'Which part of training the epoch belongs to.' })
  phase(@Root() epoch: EpochReport): TrainingPhase {
    return trainingPhaseOf(epoch);
  }
}
