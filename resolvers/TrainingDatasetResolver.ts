import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { RequiresScope } from '../src/auth/requiresScope';
import type { GatewayContext } from '../src/context';
import { TrainingDatasetClassNode, TrainingDatasetNode, TrainingPhotoNode } from '../src/schema/trainingDatasets';
import type { CatalogClass } from '../src/training/catalog/catalogTypes';
import { datasetCatalogFor, SAMPLES_PER_CLASS } from '../src/training/catalog/DatasetCatalog';

/**
 * Thumbnails one request may carry (about 5 KB each): a root of many datasets or labels would otherwise
 * answer megabytes, up to RESPONSE_TOO_LARGE. Labels past the budget get no samples; `path` asks for one dataset.
 */
export const SAMPLE_BUDGET_PER_REQUEST = 300;
const samplesServed = new WeakMap<object, number>();

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

  @FieldResolver(() => [TrainingPhotoNode], {
    description: `A few of its photos (at most 3), as small thumbnails the gateway re-encodes; empty once a request has been given ${SAMPLE_BUDGET_PER_REQUEST} (ask \`trainingDatasets(path:)\` for one dataset's).`,
  })
  async samples(@Root() entry: CatalogClass, @Ctx() context: GatewayContext) {
    // Reserved before the await: the labels' resolvers run side by side.
    const take = Math.min(SAMPLES_PER_CLASS, SAMPLE_BUDGET_PER_REQUEST - (samplesServed.get(context) ?? 0));
    if (take <= 0) return [];
    samplesServed.set(context, (samplesServed.get(context) ?? 0) + take);
    return ((await datasetCatalogFor(context.services.config)?.samples(entry)) ?? []).slice(0, take);
  }
}
