import type { CatalogSnapshot, MetadataStore } from '../../src/store/MetadataStore';

/** What an unexpected failure might carry: paths, hosts, secrets. None of it may reach a client in production. */
export const INTERNAL_DETAIL = 'connect ECONNREFUSED 10.1.2.3:5432 opening /srv/private/metadata.duckdb with password=hunter2';

const fail = async (): Promise<never> => {
  throw new Error(INTERNAL_DETAIL);
};

/** A store whose catalog loads but whose every query fails with a plain (unexpected) Error. */
export class FailingStore implements MetadataStore {
  readonly backend = 'failing';
  async readCatalog(): Promise<CatalogSnapshot> {
    return { classes: [{ label: '/m/01yrx', description: 'Cat', imageCount: 1 }], relationTypes: [{ name: 'holds', imageCount: 1 }] };
  }
  findImages = fail;
  labelsOfImages = fail;
  relationsOfImages = fail;
  searchImages = fail;
  imagesOfClasses = fail;
  searchRelations = fail;
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
