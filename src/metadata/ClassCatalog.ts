import type { CatalogSnapshot, ClassRecord, RelationTypeRecord, Slice, PageResult } from '../store/MetadataStore';

/**
 * The class and relation-type aggregates held in memory. They come from the stats tables the
 * loader writes, so `classes`, `class`, `relationTypes` and every Class a resolver needs cost no
 * store query. Rebuilt whenever the store is (re)loaded.
 */
export class ClassCatalog {
  private readonly byLabel = new Map<string, ClassRecord>();
  private readonly byLowerDescription = new Map<string, ClassRecord[]>();
  /** Classes with at least one image, by description then label: the `classes` listing. */
  private readonly listed: ClassRecord[];
  readonly relationTypes: readonly RelationTypeRecord[];

  constructor(snapshot: CatalogSnapshot) {
    const sorted = [...snapshot.classes].sort((a, b) => compareText(a.description, b.description) || compareText(a.label, b.label));
    for (const record of sorted) {
      this.byLabel.set(record.label, record);
      const key = record.description.toLowerCase();
      const same = this.byLowerDescription.get(key);
      if (same) same.push(record);
      else this.byLowerDescription.set(key, [record]);
    }
    this.listed = sorted.filter((record) => record.imageCount > 0);
    this.relationTypes = [...snapshot.relationTypes].sort((a, b) => compareText(a.name, b.name));
  }

  get size(): number {
    return this.byLabel.size;
  }

  /** Every class, with or without images, by description then label. */
  get allClasses(): readonly ClassRecord[] {
    return [...this.byLabel.values()];
  }

  classByLabel(label: string): ClassRecord | undefined {
    return this.byLabel.get(label);
  }

  /** Case-insensitive exact description; with duplicates, the smallest label wins. */
  classByDescription(description: string): ClassRecord | undefined {
    return this.byLowerDescription.get(description.toLowerCase())?.[0];
  }

  /** Classes with images whose description contains `search`, case-insensitively. */
  listClasses(search: string | undefined, slice: Slice): PageResult<ClassRecord> {
    const needle = search?.toLowerCase();
    const matching = needle ? this.listed.filter((c) => c.description.toLowerCase().includes(needle)) : this.listed;
    return { items: matching.slice(slice.offset, slice.offset + slice.limit), totalCount: matching.length };
  }

  /**
   * The class a relation or label names. A label missing from the classes table still resolves,
   * to a class whose description is the label itself, so non-null fields never fail on it.
   */
  classOrPlaceholder(label: string): ClassRecord {
    return this.byLabel.get(label) ?? { label, description: label, imageCount: 0 };
  }
}

/** Byte-wise (code point) order, as ORDER BY sorts strings in DuckDB and BigQuery. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
