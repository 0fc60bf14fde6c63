import { demoDataDir } from '../../src/paths';
import { imageCounts, readTables, type OpenImagesTables } from '../support/openImagesCsv';
import { hasSharedData, noticeSkipped, OPEN_IMAGES_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';

// The real Open Images tables where ../shared is present, the shipped demo data otherwise.
const dataDir = hasSharedData ? OPEN_IMAGES_DIR : demoDataDir();
if (!hasSharedData) noticeSkipped('GraphQL metadata tests on the real Open Images tables (running on the demo data instead)');

let gw: RunningGateway;
let tables: OpenImagesTables;
let counts: Map<string, number>;

const describeOf = (label: string) => tables.classes.get(label)!;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  tables = readTables(dataDir);
  counts = imageCounts(tables);
  gw = await startGateway({ DATA_DIR: dataDir });
});
afterAll(() => gw?.close());

describe('classes', () => {
  it('lists classes with images by description, with exact image counts and totalCount', async () => {
    const expected = [...tables.classes]
      .filter(([label]) => (counts.get(label) ?? 0) > 0)
      .map(([label, description]) => ({ label, description, imageCount: counts.get(label)! }))
      .sort((a, b) => cmp(a.description, b.description) || cmp(a.label, b.label));
    const { body } = await gw.graphql(`{ classes(first: 1000) { totalCount edges { node { label description imageCount } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.classes.totalCount).toBe(expected.length);
    expect(body.data.classes.edges.map((e: any) => e.node)).toEqual(expected);
  });

  it('searches descriptions case-insensitively by substring and pages with opaque cursors', async () => {
    const needle = 'an';
    const expected = [...tables.classes]
      .filter(([label, d]) => (counts.get(label) ?? 0) > 0 && d.toLowerCase().includes(needle))
      .map(([, d]) => d)
      .sort();
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const { body }: { body: any } = await gw.graphql(
        `query($after: String) { classes(search: "AN", first: 3, after: $after) {
           totalCount pageInfo { hasNextPage endCursor } edges { cursor node { description } } } }`,
        { after },
      );
      expect(body.data.classes.totalCount).toBe(expected.length);
      seen.push(...body.data.classes.edges.map((e: any) => e.node.description));
      if (!body.data.classes.pageInfo.hasNextPage) break;
      after = body.data.classes.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('finds one class by label or by description, null when absent', async () => {
    const [label, description] = [...tables.classes].find(([l]) => (counts.get(l) ?? 0) > 1)!;
    const { body } = await gw.graphql(
      `query($label: ID, $description: String) {
         byLabel: class(label: $label) { label description imageCount }
         byDescription: class(description: $description) { label }
         missing: class(label: "/m/not-a-class") { label }
       }`,
      { label, description: description.toUpperCase() },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.byLabel).toEqual({ label, description, imageCount: counts.get(label) });
    expect(body.data.byDescription.label).toBe(label);
    expect(body.data.missing).toBeNull();
  });

  it('pages the images of a class by id', async () => {
    const [label] = [...counts].sort((a, b) => b[1] - a[1])[0];
    const ids = [...new Set(tables.imageLabels.filter((r) => r.label === label).map((r) => r.imageId))].sort();
    const first = await gw.graphql(`query($l: ID) { class(label: $l) { images(first: 4) { totalCount pageInfo { endCursor } edges { node { id } } } } }`, { l: label });
    const page1 = first.body.data.class.images;
    expect(page1.totalCount).toBe(ids.length);
    expect(page1.edges.map((e: any) => e.node.id)).toEqual(ids.slice(0, 4));
    const second = await gw.graphql(`query($l: ID, $a: String) { class(label: $l) { images(first: 4, after: $a) { edges { node { id } } } } }`, {
      l: label,
      a: page1.pageInfo.endCursor,
    });
    expect(second.body.data.class.images.edges.map((e: any) => e.node.id)).toEqual(ids.slice(4, 8));
  });
});

describe('relation types', () => {
  it('lists relation types by name with distinct image counts', async () => {
    const byType = new Map<string, Set<string>>();
    for (const r of tables.relations) {
      if (!byType.has(r.relation)) byType.set(r.relation, new Set());
      byType.get(r.relation)!.add(r.imageId);
    }
    const expected = [...byType].map(([name, ids]) => ({ name, imageCount: ids.size })).sort((a, b) => (a.name < b.name ? -1 : 1));
    const { body } = await gw.graphql('{ relationTypes { name imageCount } }');
    expect(body.data.relationTypes).toEqual(expected);
  });
});

describe('images', () => {
  it('answers an image with url, classes by description and relations in order; null for unknown ids', async () => {
    const imageId = tables.relations[0].imageId;
    const labels = [...new Set(tables.imageLabels.filter((r) => r.imageId === imageId).map((r) => r.label))];
    const expectedClasses = labels.map(describeOf).sort();
    const relationKey = (r: { subject: string; relation: string; object: string }) => `${describeOf(r.subject)}|${r.relation}|${describeOf(r.object)}`;
    const expectedRelations = [...new Set(tables.relations.filter((r) => r.imageId === imageId).map(relationKey))].sort((a, b) => {
      const [as, ar, ao] = a.split('|');
      const [bs, br, bo] = b.split('|');
      return cmp(as, bs) || cmp(ar, br) || cmp(ao, bo);
    });
    const { body } = await gw.graphql(
      `query($id: ID!) { image(id: $id) { id url classes { description } relations { image { id } subject { description } relation object { description } } }
                         unknown: image(id: "ffffffffffffffff") { id } }`,
      { id: imageId },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.unknown).toBeNull();
    expect(body.data.image.url).toBe(`https://storage.googleapis.com/bdcc_open_images_dataset/images/${imageId}.jpg`);
    expect(body.data.image.classes.map((c: any) => c.description)).toEqual(expectedClasses);
    expect(body.data.image.relations.map((r: any) => `${r.subject.description}|${r.relation}|${r.object.description}`)).toEqual(expectedRelations);
    expect(body.data.image.relations.every((r: any) => r.image.id === imageId)).toBe(true);
  });

  it('keeps the order of ids and answers null for unknown ones', async () => {
    const known = [...new Set(tables.imageLabels.map((r) => r.imageId))].slice(0, 3).reverse();
    const ids = [known[0], 'nope', known[1], known[2]];
    const { body } = await gw.graphql('query($ids: [ID!]!) { images(ids: $ids) { id } }', { ids });
    expect(body.data.images).toEqual([{ id: known[0] }, null, { id: known[1] }, { id: known[2] }]);
  });

  it('sends at most 4 store queries for 100 images with classes and relations', async () => {
    const ids = [...new Set(tables.relations.map((r) => r.imageId))].slice(0, 100);
    const before = await gw.backendQueries();
    const { body } = await gw.graphql(
      `query($ids: [ID!]!) { images(ids: $ids) { id classes { description imageCount }
           relations { subject { description } relation object { description } } } }`,
      { ids },
    );
    const sent = (await gw.backendQueries()) - before;
    expect(body.errors).toBeUndefined();
    expect(body.data.images).toHaveLength(ids.length);
    expect(sent).toBeLessThanOrEqual(4);
  });

  it('URL template comes from IMAGE_URL_TEMPLATE', async () => {
    const other = await startGateway({ IMAGE_URL_TEMPLATE: 'https://cdn.example.test/oi/{id}.jpg' });
    try {
      const id = (await other.graphql('{ searchImages(classes: ["Cat"], first: 1) { edges { node { id url } } } }')).body.data.searchImages.edges[0].node;
      expect(id.url).toBe(`https://cdn.example.test/oi/${id.id}.jpg`);
    } finally {
      await other.close();
    }
  });
});

describe('searchImages', () => {
  const labelOf = (description: string) => [...tables.classes].find(([, d]) => d === description)![0];

  function expectedSearch(descriptions: string[], match: 'ANY' | 'ALL') {
    const wanted = new Set(descriptions.map(labelOf));
    const matched = new Map<string, Set<string>>();
    for (const { imageId, label } of tables.imageLabels) {
      if (!wanted.has(label)) continue;
      if (!matched.has(imageId)) matched.set(imageId, new Set());
      matched.get(imageId)!.add(label);
    }
    return [...matched]
      .filter(([, set]) => match === 'ANY' || set.size === wanted.size)
      .sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))
      .map(([id]) => id);
  }

  it.each([
    [['Cat', 'Table'], 'ANY'],
    [['Man', 'Woman'], 'ALL'],
    [['man', 'GUITAR'], 'ANY'],
  ] as const)('%j %s: matched count desc, then id, exact total', async (classes, match) => {
    const expected = expectedSearch(
      classes.map((c) => [...tables.classes.values()].find((d) => d.toLowerCase() === c.toLowerCase())!),
      match,
    );
    const { body } = await gw.graphql(
      `query($c: [String!]!, $m: MatchMode) { searchImages(classes: $c, match: $m, first: 25) { totalCount pageInfo { hasNextPage } edges { node { id } } } }`,
      { c: classes, m: match },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.searchImages.totalCount).toBe(expected.length);
    expect(body.data.searchImages.edges.map((e: any) => e.node.id)).toEqual(expected.slice(0, 25));
    expect(body.data.searchImages.pageInfo.hasNextPage).toBe(expected.length > 25);
  });

  it('names unknown classes in a BAD_USER_INPUT error', async () => {
    const { body } = await gw.graphql('{ searchImages(classes: ["Cat", "Unicorn", "Dragon"]) { totalCount } }');
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].message).toContain('"Unicorn"');
    expect(body.errors[0].message).toContain('"Dragon"');
    expect(body.errors[0].extensions.unknownClasses).toEqual(['Unicorn', 'Dragon']);
  });
});

describe('searchRelations', () => {
  it('matches LIKE patterns case-insensitively and pages distinct rows in order', async () => {
    const like = (pattern: string) =>
      new RegExp(
        `^${pattern
          .toLowerCase()
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/%/g, '.*')
          .replace(/_/g, '.')}$`,
        's',
      );
    const [s, r, o] = [like('%man'), like('h_lds'), like('%')];
    const rows = [
      ...new Map(
        tables.relations
          .filter((x) => s.test(describeOf(x.subject).toLowerCase()) && r.test(x.relation.toLowerCase()) && o.test(describeOf(x.object).toLowerCase()))
          .map((x) => [`${x.imageId}|${x.subject}|${x.relation}|${x.object}`, x]),
      ).values(),
    ].sort(
      (a, b) =>
        cmp(a.imageId, b.imageId) ||
        cmp(describeOf(a.subject), describeOf(b.subject)) ||
        cmp(a.subject, b.subject) ||
        cmp(a.relation, b.relation) ||
        cmp(describeOf(a.object), describeOf(b.object)) ||
        cmp(a.object, b.object),
    );
    const { body } = await gw.graphql(
      `{ searchRelations(subject: "%MAN", relation: "H_LDS", first: 1000) { totalCount edges { node { image { id } subject { label } relation object { label } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.searchRelations.totalCount).toBe(rows.length);
    expect(body.data.searchRelations.edges.map((e: any) => `${e.node.image.id}|${e.node.subject.label}|${e.node.relation}|${e.node.object.label}`)).toEqual(
      rows.map((x) => `${x.imageId}|${x.subject}|${x.relation}|${x.object}`),
    );
  });

  it('treats quotes and SQL as literal data', async () => {
    const { body } = await gw.graphql(`query($p: String) { searchRelations(subject: $p) { totalCount } }`, { p: "x' OR '1'='1" });
    expect(body.errors).toBeUndefined();
    expect(body.data.searchRelations.totalCount).toBe(0);
  });

  it('refuses a pattern ending in a lone escape character', async () => {
    const { body } = await gw.graphql(`{ searchRelations(subject: "man\\\\") { totalCount } }`);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('pagination arguments', () => {
  it.each([-1, 1001])('first: %i is BAD_USER_INPUT', async (first) => {
    const { body } = await gw.graphql(`query($f: Int) { classes(first: $f) { totalCount } }`, { f: first });
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a forged cursor is BAD_USER_INPUT', async () => {
    const { body } = await gw.graphql(`{ classes(after: "not-a-cursor") { totalCount } }`);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].path).toEqual(['classes']);
  });

  it('a bad argument fails its own (nullable) field while the other fields answer', async () => {
    const { body } = await gw.graphql(`{ both: class(label: "/m/01yrx", description: "Cat") { label } relationTypes { name } }`);
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0].path).toEqual(['both']);
    expect(body.data.both).toBeNull();
    expect(body.data.relationTypes.length).toBeGreaterThan(0);
  });

  it('first: 0 answers the total and no edges', async () => {
    const { body } = await gw.graphql(`{ searchImages(classes: ["Cat"], first: 0) { totalCount edges { cursor } pageInfo { hasNextPage } } }`);
    expect(body.data.searchImages.edges).toEqual([]);
    expect(body.data.searchImages.totalCount).toBeGreaterThan(0);
    expect(body.data.searchImages.pageInfo.hasNextPage).toBe(true);
  });
});

describe('service endpoints', () => {
  it('GET /healthz answers 200 and GET /metrics exposes the backend query counter', async () => {
    const base = gw.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_backend_queries_total\{backend="duckdb"\} \d+/);
  });

  it('every error a client sees carries extensions.code (parse and validation errors included)', async () => {
    for (const query of ['{ classes { ', '{ nope }', '{ searchImages { totalCount } }']) {
      const { body } = await gw.graphql(query);
      expect(body.errors.length).toBeGreaterThan(0);
      for (const error of body.errors) expect(typeof error.extensions?.code).toBe('string');
    }
  });
});
