import fs from 'node:fs';
import path from 'node:path';
import type { CatalogSnapshot, ClassImagesRecord, ImageHit, ImageLabelRecord, MatchMode, PageResult, RelationPatterns, RelationRecord, Slice } from '../../src/store/MetadataStore';

/**
 * The answers every store must give, computed here in plain JS from the gateway-layout CSVs (no SQL,
 * no code from src/), so that both stores are checked against an independent oracle.
 */

/** SQL ORDER BY on strings compares UTF-8 bytes (DuckDB and BigQuery alike), not UTF-16 units. */
export const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function compareBy<T>(...keys: Array<(item: T) => string | number>) {
  return (a: T, b: T) => {
    for (const key of keys) {
      const x = key(a);
      const y = key(b);
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : byBytes(String(x), String(y));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** Rows of a simple CSV with a header (quoted fields with `""` supported), as objects. */
function readCsv(file: string): Array<Record<string, string>> {
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0);
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i];
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    return [...cells, cell];
  };
  const header = split(lines[0]);
  return lines.slice(1).map((line) => Object.fromEntries(split(line).map((v, i) => [header[i], v])));
}

/** `\` escapes the next character; `%` any run, `_` one character; the whole string must match. */
function likeToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '\\') source += escapeRegExp(pattern[++i] ?? '');
    else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const page = <T>(items: T[], slice: Slice) => items.slice(slice.offset, slice.offset + slice.limit);

export class ReferenceAnswers {
  readonly classes: Array<{ label: string; description: string }>;
  readonly labels: ImageLabelRecord[];
  readonly relations: RelationRecord[];
  /** Label -> distinct image ids (sorted). */
  readonly imagesByLabel = new Map<string, string[]>();
  readonly imageIds: string[];

  constructor(readonly dir: string) {
    this.classes = readCsv(path.join(dir, 'classes.csv')).map((r) => ({ label: r.Label, description: r.Description }));
    this.labels = readCsv(path.join(dir, 'image_labels.csv')).map((r) => ({ imageId: r.ImageId, label: r.Label }));
    this.relations = readCsv(path.join(dir, 'relations.csv')).map((r) => ({ imageId: r.ImageId, subject: r.Label1, relation: r.Relation, object: r.Label2 }));
    const byLabel = new Map<string, Set<string>>();
    for (const { imageId, label } of this.labels) {
      if (!byLabel.has(label)) byLabel.set(label, new Set());
      byLabel.get(label)!.add(imageId);
    }
    for (const [label, ids] of byLabel) this.imagesByLabel.set(label, [...ids].sort(byBytes));
    this.imageIds = [...new Set([...this.labels.map((l) => l.imageId), ...this.relations.map((r) => r.imageId)])].sort(byBytes);
  }

  /** Labels by how many images have them, most frequent first (ties by label). */
  labelsByFrequency(): string[] {
    return [...this.imagesByLabel.keys()].sort(
      compareBy(
        (l) => -this.imagesByLabel.get(l)!.length,
        (l) => l,
      ),
    );
  }

  catalog(): CatalogSnapshot {
    const unique = [...new Map(this.classes.map((c) => [`${c.label}\u0000${c.description}`, c])).values()];
    const relationImages = new Map<string, Set<string>>();
    for (const r of this.relations) {
      if (!relationImages.has(r.relation)) relationImages.set(r.relation, new Set());
      relationImages.get(r.relation)!.add(r.imageId);
    }
    return {
      classes: unique
        .map((c) => ({ ...c, imageCount: this.imagesByLabel.get(c.label)?.length ?? 0 }))
        .sort(
          compareBy(
            (c) => c.description,
            (c) => c.label,
          ),
        ),
      relationTypes: [...relationImages].map(([name, ids]) => ({ name, imageCount: ids.size })).sort(compareBy((r) => r.name)),
    };
  }

  findImages(ids: readonly string[]): string[] {
    const known = new Set(this.imageIds);
    return [...new Set(ids)].filter((id) => known.has(id)).sort(byBytes);
  }

  labelsOfImages(ids: readonly string[]): ImageLabelRecord[] {
    const wanted = new Set(ids);
    const distinct = new Map(this.labels.filter((l) => wanted.has(l.imageId)).map((l) => [`${l.imageId}\u0000${l.label}`, l]));
    return [...distinct.values()].sort(
      compareBy(
        (l) => l.imageId,
        (l) => l.label,
      ),
    );
  }

  relationsOfImages(ids: readonly string[]): RelationRecord[] {
    const wanted = new Set(ids);
    const key = (r: RelationRecord) => [r.imageId, r.subject, r.relation, r.object].join('\u0000');
    const distinct = new Map(this.relations.filter((r) => wanted.has(r.imageId)).map((r) => [key(r), r]));
    return [...distinct.values()].sort(
      compareBy(
        (r) => r.imageId,
        (r) => r.subject,
        (r) => r.relation,
        (r) => r.object,
      ),
    );
  }

  searchImages(labels: readonly string[], match: MatchMode, slice: Slice): PageResult<ImageHit> {
    const wanted = [...new Set(labels)];
    const matched = new Map<string, number>();
    for (const label of wanted) for (const id of this.imagesByLabel.get(label) ?? []) matched.set(id, (matched.get(id) ?? 0) + 1);
    const hits = [...matched]
      .filter(([, n]) => match === 'ANY' || n === wanted.length)
      .map(([imageId, matchedClasses]) => ({ imageId, matchedClasses }))
      .sort(
        compareBy(
          (h) => -h.matchedClasses,
          (h) => h.imageId,
        ),
      );
    return { items: page(hits, slice), totalCount: hits.length };
  }

  imagesOfClasses(labels: readonly string[], slice: Slice): ClassImagesRecord[] {
    return labels.map((label) => ({ label, imageIds: page(this.imagesByLabel.get(label) ?? [], slice) }));
  }

  searchRelations(patterns: RelationPatterns, slice: Slice): PageResult<RelationRecord> {
    const subject = likeToRegExp(patterns.subject.toLowerCase());
    const relation = likeToRegExp(patterns.relation.toLowerCase());
    const object = likeToRegExp(patterns.object.toLowerCase());
    const descriptions = (label: string) => [...new Set(this.classes.filter((c) => c.label === label).map((c) => c.description))];
    const matches = new Map<string, RelationRecord & { s: string; o: string }>();
    for (const r of this.relations) {
      if (!relation.test(r.relation.toLowerCase())) continue;
      for (const s of descriptions(r.subject).filter((d) => subject.test(d.toLowerCase()))) {
        for (const o of descriptions(r.object).filter((d) => object.test(d.toLowerCase()))) {
          matches.set([r.imageId, r.subject, r.relation, r.object, s, o].join('\u0000'), { ...r, s, o });
        }
      }
    }
    const ordered = [...matches.values()].sort(
      compareBy(
        (m) => m.imageId,
        (m) => m.s,
        (m) => m.subject,
        (m) => m.relation,
        (m) => m.o,
        (m) => m.object,
      ),
    );
    return {
      items: page(ordered, slice).map(({ imageId, subject: sub, relation: rel, object: obj }) => ({ imageId, subject: sub, relation: rel, object: obj })),
      totalCount: ordered.length,
    };
  }
}
