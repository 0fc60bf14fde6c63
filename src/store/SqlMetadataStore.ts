import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type {
  CatalogSnapshot,
  ClassImagesRecord,
  ImageHit,
  ImageLabelRecord,
  MatchMode,
  MetadataStore,
  PageResult,
  RelationPatterns,
  RelationRecord,
  Slice,
} from './MetadataStore';
import * as q from './queries';

export type Row = Record<string, unknown>;

/**
 * Everything the two stores share: the queries, the row mapping, metrics and error wrapping.
 * A backend supplies only `execute` (run one parameterised query, return plain rows).
 */
export abstract class SqlMetadataStore implements MetadataStore {
  abstract readonly backend: string;
  protected abstract readonly dialect: q.SqlDialect;

  constructor(private readonly metrics?: GatewayMetrics) {}

  protected abstract execute(query: q.SqlQuery, name: string): Promise<Row[]>;

  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;

  /** Runs one query, counted and timed; backend failures become typed errors, logged once here. */
  protected async run(name: string, query: q.SqlQuery): Promise<Row[]> {
    this.metrics?.backendQueries.inc({ backend: this.backend });
    const stopTimer = this.metrics?.backendQuerySeconds.startTimer({ backend: this.backend });
    try {
      return await this.execute(query, name);
    } catch (error) {
      this.metrics?.backendQueryErrors.inc({ backend: this.backend });
      const typed = toStoreError(error, this.backend);
      logger.error({ err: error, backend: this.backend, query: name, code: typed.code }, 'store query failed');
      throw typed;
    } finally {
      stopTimer?.();
    }
  }

  async readCatalog(): Promise<CatalogSnapshot> {
    const [classes, relationTypes] = await Promise.all([
      this.run('catalogClasses', q.catalogClassesQuery(this.dialect)),
      this.run('catalogRelationTypes', q.catalogRelationTypesQuery(this.dialect)),
    ]);
    return {
      classes: classes.map((r) => ({ label: str(r.label), description: str(r.description), imageCount: num(r.image_count) })),
      relationTypes: relationTypes.map((r) => ({ name: str(r.name), imageCount: num(r.image_count) })),
    };
  }

  async findImages(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.run('findImages', q.findImagesQuery(this.dialect, ids));
    return rows.map((r) => str(r.image_id));
  }

  async labelsOfImages(ids: readonly string[]): Promise<ImageLabelRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.run('labelsOfImages', q.labelsOfImagesQuery(this.dialect, ids));
    return rows.map((r) => ({ imageId: str(r.image_id), label: str(r.label) }));
  }

  async relationsOfImages(ids: readonly string[]): Promise<RelationRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.run('relationsOfImages', q.relationsOfImagesQuery(this.dialect, ids));
    return rows.map(toRelation);
  }

  async searchImages(labels: readonly string[], match: MatchMode, slice: Slice): Promise<PageResult<ImageHit>> {
    if (labels.length === 0) return { items: [], totalCount: 0 };
    const rows = await this.run('searchImages', q.searchImagesQuery(this.dialect, labels, match, slice));
    return paged(rows, (r) => ({ imageId: str(r.image_id), matchedClasses: num(r.matched) }));
  }

  async imagesOfClasses(labels: readonly string[], slice: Slice): Promise<ClassImagesRecord[]> {
    if (labels.length === 0 || slice.limit === 0) return labels.map((label) => ({ label, imageIds: [] }));
    const rows = await this.run('imagesOfClasses', q.imagesOfClassesQuery(this.dialect, labels, slice));
    const byLabel = new Map<string, string[]>(labels.map((label) => [label, []]));
    for (const r of rows) byLabel.get(str(r.label))?.push(str(r.image_id));
    return [...byLabel].map(([label, imageIds]) => ({ label, imageIds }));
  }

  async searchRelations(patterns: RelationPatterns, slice: Slice): Promise<PageResult<RelationRecord>> {
    const rows = await this.run('searchRelations', q.searchRelationsQuery(this.dialect, patterns, slice));
    return paged(rows, toRelation);
  }
}

function paged<T>(rows: Row[], toItem: (row: Row) => T): PageResult<T> {
  const totalCount = rows.length > 0 ? num(rows[0].total) : 0;
  const items = rows.filter((r) => r.image_id !== null && r.image_id !== undefined).map(toItem);
  return { items, totalCount };
}

function toRelation(r: Row): RelationRecord {
  return { imageId: str(r.image_id), subject: str(r.subject), relation: str(r.relation), object: str(r.object) };
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** DuckDB gives BIGINT as bigint, BigQuery INT64 as number or string: one number type out. */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'value' in value) return Number((value as { value: unknown }).value);
  return 0;
}

function toStoreError(error: unknown, backend: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const timeout = /timed? ?out|deadline/i.test(message);
  return new GatewayError(
    timeout ? ErrorCode.BackendTimeout : ErrorCode.BackendError,
    timeout ? `The ${backend} metadata store did not answer in time.` : `The ${backend} metadata store failed to answer.`,
    { backend },
    { cause: error },
  );
}
