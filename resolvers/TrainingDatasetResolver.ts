import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { TrainingDatasetClassNode, TrainingDatasetNode, TrainingPhotoNode } from '../src/schema/trainingDatasets';
import type { CatalogClass } from '../src/training/catalog/catalogTypes';
import { datasetCatalogFor } from '../src/training/catalog/DatasetCatalog';

@Resolver(() => TrainingDatasetClassNode)
export class TrainingDatasetResolver {
  @RequiresScope('train')
  @Query(() => [TrainingDatasetNode], {
    description:
      'The datasets under TRAINING_DATA_ROOT that `trainModel` can read: folders of class folders and CSV files, with per-class photo counts, sample thumbnails and warnings, by path.',
  })
  async trainingDatasets(
    @Ctx() { services }: GatewayContext,
    @Arg('path', () => String, {
      nullable: true,
      description:
        "Only the dataset at this path (as `TrainingDataset.path` gives it): ask for `samples` of one dataset without every other one's thumbnails. Null or omitted: every dataset.",
    })
    path?: string | null,
  ) {
    const datasets = (await datasetCatalogFor(services.config)?.list()) ?? [];
    return path == null ? datasets : datasets.filter((dataset) => dataset.path === path);
  }

  @FieldResolver(() => [TrainingPhotoNode], { description: 'A few of its photos (at most 3), as small thumbnails the gateway re-encodes.' })
  async samples(@Root() entry: CatalogClass, @Ctx() { services }: GatewayContext) {
    return (await datasetCatalogFor(services.config)?.samples(entry)) ?? [];
  }
}
