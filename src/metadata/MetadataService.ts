import { badUserInput, inputPrefix, quoteInput } from '../errors';
import type { LabelLinker } from '../labels/LabelLinker';
import type { ClassRecord, MatchMode, MetadataStore, RelationRecord } from '../store/MetadataStore';
import { ClassCatalog, compareText } from './ClassCatalog';
import { createMetadataLoaders, type MetadataLoaders } from './loaders';
import { sliceOf, toConnection, type Connection, type PageArgs } from './pagination';

/** An Open Images image as the schema passes it around: its fields resolve through the loaders. */
export interface ImageRef {
  id: string;
}

export interface RelationSearch {
  subject: string;
  relation: string;
  object: string;
}

const MAX_PATTERN_LENGTH = 200;
const MAX_IMAGE_IDS = 1000;
const MAX_SEARCH_CLASSES = 100;
const MAX_RELATED_CLASSES = 5;

/**
 * The metadata operations of one GraphQL request: argument checks, the catalog, and the
 * request's DataLoaders. Resolvers call this and nothing below it.
 */
export class MetadataService {
  readonly loaders: MetadataLoaders;

  constructor(
    private readonly store: MetadataStore,
    private readonly catalog: ClassCatalog,
    private readonly imageUrlTemplate: string,
    private readonly labelLinks: LabelLinker<ClassRecord>,
  ) {
    this.loaders = createMetadataLoaders(store);
  }

  classes(search: string | null | undefined, page: PageArgs): Connection<ClassRecord> {
    const slice = sliceOf(page, 50);
    return toConnection(this.catalog.listClasses(search ?? undefined, slice), slice, (c) => c);
  }

  classBy(args: { label?: string | null; description?: string | null }): ClassRecord | null {
    if ((args.label == null) === (args.description == null)) {
      throw badUserInput('Give exactly one of `label` or `description`.');
    }
    return (args.label != null ? this.catalog.classByLabel(args.label) : this.catalog.classByDescription(args.description!)) ?? null;
  }

  classOf(label: string): ClassRecord {
    return this.catalog.classOrPlaceholder(label);
  }

  relationTypes() {
    return this.catalog.relationTypes;
  }

  async image(id: string): Promise<ImageRef | null> {
    return (await this.loaders.imageExists.load(id)) ? { id } : null;
  }

  async images(ids: readonly string[]): Promise<(ImageRef | null)[]> {
    if (ids.length > MAX_IMAGE_IDS) throw badUserInput(`At most ${MAX_IMAGE_IDS} ids per call, got ${ids.length}.`);
    const exists = await this.loaders.imageExists.loadMany(ids);
    return ids.map((id, i) => {
      const found = exists[i];
      if (found instanceof Error) throw found;
      return found ? { id } : null;
    });
  }

  imageUrl(id: string): string {
    return this.imageUrlTemplate.replaceAll('{id}', encodeURIComponent(id));
  }

  /** The classes of an image, by description. */
  async classesOfImage(id: string): Promise<ClassRecord[]> {
    const labels = await this.loaders.labelsOfImage.load(id);
    return labels.map((label) => this.classOf(label)).sort(byDescriptionThenLabel);
  }

  /** The relations of an image, by subject description, relation, object description. */
  async relationsOfImage(id: string): Promise<RelationRecord[]> {
    const relations = await this.loaders.relationsOfImage.load(id);
    return [...relations].sort(
      (a, b) =>
        byDescriptionThenLabel(this.classOf(a.subject), this.classOf(b.subject)) ||
        compareText(a.relation, b.relation) ||
        byDescriptionThenLabel(this.classOf(a.object), this.classOf(b.object)),
    );
  }

  async imagesOfClass(record: ClassRecord, page: PageArgs): Promise<Connection<ImageRef>> {
    const slice = sliceOf(page, 10);
    const ids = slice.limit === 0 ? [] : await this.loaders.imagesOfClass.load({ label: record.label, ...slice });
    return toConnection({ items: ids, totalCount: record.imageCount }, slice, (id) => ({ id }));
  }

  async searchImages(descriptions: readonly string[], match: MatchMode, page: PageArgs): Promise<Connection<ImageRef>> {
    const slice = sliceOf(page, 10);
    if (descriptions.length === 0) throw badUserInput('`classes` must name at least one class.', { argument: 'classes' });
    if (descriptions.length > MAX_SEARCH_CLASSES) {
      throw badUserInput(`\`classes\` may name at most ${MAX_SEARCH_CLASSES} classes.`, { argument: 'classes' });
    }
    const found = descriptions.map((d) => this.catalog.classByDescription(d));
    const unknown = descriptions.filter((_, i) => !found[i]);
    if (unknown.length > 0) {
      throw badUserInput(
        `Unknown class ${unknown.length === 1 ? 'name' : 'names'}: ${unknown
          .slice(0, 5)
          .map((u) => quoteInput(u))
          .join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}.`,
        {
          argument: 'classes',
          unknownClasses: unknown.slice(0, 20).map((u) => inputPrefix(u)),
        },
      );
    }
    const labels = found.map((c) => c!.label);
    const result = await this.store.searchImages(labels, match, slice);
    return toConnection(result, slice, (hit) => ({ id: hit.imageId }));
  }

  async searchRelations(patterns: RelationSearch, page: PageArgs): Promise<Connection<RelationRecord>> {
    const slice = sliceOf(page, 10);
    for (const [argument, pattern] of Object.entries(patterns)) checkLikePattern(argument, pattern);
    const result = await this.store.searchRelations(patterns, slice);
    return toConnection(result, slice, (r) => r);
  }

  /**
   * The class a model or Vision label names: by `mid` when it is a class of the catalog, else through
   * the label's name (exact names, then WordNet; see src/labels). Links are computed once per label set
   * or name and remembered, so this costs no store query and, after the first time, no WordNet read.
   */
  classForLabel(name: string, mid?: string | null): Promise<ClassRecord | null> {
    return this.labelLinks.classFor(name, mid);
  }

  /**
   * Other classes near a label that have images in the loaded data, most relevant first (src/labels/
   * RelatedClassRanker), so a link never leads only to an empty class. Image counts come from the
   * catalog in memory: no store query, however many labels a response holds.
   */
  async relatedClassesForLabel(name: string, mid?: string | null): Promise<ClassRecord[]> {
    const linked = await this.labelLinks.classFor(name, mid);
    const related: ClassRecord[] = [];
    for (const candidate of await this.labelLinks.relatedClasses(name, linked)) {
      const record = this.catalog.classByLabel(candidate.label);
      if (record && record.imageCount > 0 && record.label !== linked?.label) related.push(record);
      if (related.length === MAX_RELATED_CLASSES) break;
    }
    return related;
  }
}

function byDescriptionThenLabel(a: ClassRecord, b: ClassRecord): number {
  return compareText(a.description, b.description) || compareText(a.label, b.label);
}

/** LIKE patterns travel as parameters; this only refuses the ones no backend would accept. */
function checkLikePattern(argument: string, pattern: string): void {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw badUserInput(`\`${argument}\` is longer than ${MAX_PATTERN_LENGTH} characters.`, { argument });
  }
  const trailingBackslashes = pattern.length - pattern.replace(/\\+$/, '').length;
  if (trailingBackslashes % 2 === 1) {
    throw badUserInput(`\`${argument}\` ends with an escape character (\\); write \\\\ for a literal backslash.`, { argument });
  }
}
