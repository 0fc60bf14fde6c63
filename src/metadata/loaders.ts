import DataLoader from 'dataloader';
import type { MetadataStore, RelationRecord, Slice } from '../store/MetadataStore';

/**
 * The per-request DataLoaders. Build one set per GraphQL request, never share it: the caches
 * hold that request's view of the store. Each batch function returns values in the order of its
 * keys, with an empty value (false, []) for keys the store does not know, as DataLoader requires.
 */
export interface MetadataLoaders {
  imageExists: DataLoader<string, boolean>;
  labelsOfImage: DataLoader<string, string[]>;
  relationsOfImage: DataLoader<string, RelationRecord[]>;
  imagesOfClass: DataLoader<ClassImagesKey, string[], string>;
}

export interface ClassImagesKey extends Slice {
  label: string;
}

/** Groups rows by a key, then answers in the order of `keys`. */
function groupInKeyOrder<R>(keys: readonly string[], rows: R[], keyOf: (row: R) => string): R[][] {
  const groups = new Map<string, R[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}

export function createMetadataLoaders(store: MetadataStore): MetadataLoaders {
  return {
    imageExists: new DataLoader(async (ids) => {
      const found = new Set(await store.findImages(ids));
      return ids.map((id) => found.has(id));
    }),

    labelsOfImage: new DataLoader(async (ids) => {
      const rows = await store.labelsOfImages(ids);
      return groupInKeyOrder(ids, rows, (row) => row.imageId).map((group) => group.map((row) => row.label));
    }),

    relationsOfImage: new DataLoader(async (ids) => groupInKeyOrder(ids, await store.relationsOfImages(ids), (r) => r.imageId)),

    // Keys with the same slice share one query; different slices (rare) get one query each.
    imagesOfClass: new DataLoader(
      async (keys) => {
        const bySlice = new Map<string, ClassImagesKey[]>();
        for (const key of keys) {
          const sliceKey = `${key.offset}:${key.limit}`;
          bySlice.set(sliceKey, [...(bySlice.get(sliceKey) ?? []), key]);
        }
        const answers = new Map<string, string[]>();
        await Promise.all(
          [...bySlice.values()].map(async (group) => {
            const slice = { offset: group[0].offset, limit: group[0].limit };
            for (const record of await store.imagesOfClasses(
              group.map((k) => k.label),
              slice,
            )) {
              answers.set(classImagesCacheKey({ label: record.label, ...slice }), record.imageIds);
            }
          }),
        );
        return keys.map((key) => answers.get(classImagesCacheKey(key)) ?? []);
      },
      { cacheKeyFn: classImagesCacheKey },
    ),
  };
}

function classImagesCacheKey(key: ClassImagesKey): string {
  return `${key.label}\u0000${key.offset}\u0000${key.limit}`;
}
