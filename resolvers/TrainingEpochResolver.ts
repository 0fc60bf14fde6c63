import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { TrainingEpoch, TrainingPhase, trainingPhaseOf } from '../src/schema/trainingEvents';
import type { EpochReport } from '../src/training/epochReport';

@Resolver(() => TrainingEpoch)
export class TrainingEpochResolver {
  @FieldResolver(() => TrainingPhase, { description: 'Which part of training the epoch belongs to.' })
  phase(@Root() epoch: EpochReport): TrainingPhase {
    return trainingPhaseOf(epoch);
  }

  // Reports written before phases were numbered count over the whole run.
  @FieldResolver(() => Int, { description: 'The epoch within its phase, 1 to `phaseEpochs`.' })
  phaseEpoch(@Root() epoch: EpochReport): number {
    return epoch.phaseEpoch ?? epoch.epoch;
  }

  @FieldResolver(() => Int, { description: 'Epochs of this phase in all.' })
  phaseEpochs(@Root() epoch: EpochReport): number {
    return epoch.phaseEpochs ?? epoch.epochs;
  }
}
