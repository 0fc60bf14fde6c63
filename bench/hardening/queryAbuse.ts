import fs from 'node:fs';
import path from 'node:path';
import { cpuOf, post, SMALL, withGateway, worstLatencyWhile, type Result } from '../support/hardeningHarness';

/** Cases 1-3: documents and variables that cost the gateway far more than their size. */
function fanOut(levels: number): string {
  let document = `{ ...F${levels} }\nfragment F0 on Query { relationTypes { name } }\n`;
  for (let i = 1; i <= levels; i++) document += `fragment F${i} on Query { ...F${i - 1} a: relationTypes { name } ...F${i - 1} }\n`;
  return document;
}

export async function case1(levels: number): Promise<Result> {
  return withGateway({}, async (gw) => {
    const cpu = cpuOf(gw);
    const answer = post(gw.url, { query: fanOut(levels) });
    const healthz = await worstLatencyWhile(answer, () => fetch(`${gw.origin}/healthz`), 50);
    const { status, ms, code } = await answer;
    const fanout = { levels, bytes: fanOut(levels).length, status, code, ms, gatewayCpuMs: Math.round((cpuOf(gw) - cpu) * 1000), worstHealthzMs: healthz };
    const bodies: Record<string, string> = {
      repeatedNested: `{ ${'relationTypes { name } '.repeat(4400)} }`,
      repeatedLeaf: `{ relationTypes { ${'name '.repeat(20000)} } }`,
      aliases: `{ ${Array.from({ length: 3000 }, (_, i) => `a${i}: relationTypes { name }`).join(' ')} }`.slice(0, 100_000),
      fragments:
        `{ ${Array.from({ length: 1500 }, (_, i) => `...G${i}`).join(' ')} } ${Array.from({ length: 1500 }, (_, i) => `fragment G${i} on Query { relationTypes { name } }`).join(' ')}`.slice(
          0,
          100_000,
        ),
    };
    const worst: Result = {};
    for (const [name, query] of Object.entries(bodies)) {
      const before = cpuOf(gw);
      const r = await post(gw.url, { query });
      worst[name] = { kb: Math.round(query.length / 1024), status: r.status, code: r.code, gatewayCpuMs: Math.round((cpuOf(gw) - before) * 1000) };
    }
    return { fanout, worst100KbBodies: worst };
  });
}

export async function case2(shared: string): Promise<Result> {
  const dataDir = path.join(shared, 'data', 'openimages');
  if (!fs.existsSync(dataDir)) return { skipped: `no ${dataDir}` };
  const names = fs
    .readFileSync(path.join(dataDir, 'classes.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1, 91)
    .map((line) => line.slice(line.indexOf(',') + 1).replace(/^"|"$/g, ''));
  return withGateway({ DATA_DIR: dataDir }, async (gw) => {
    const query = `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: searchImages(classes: ${JSON.stringify(names)}, first: 0) { totalCount }`).join(' ')} }`;
    const answer = post(gw.url, { query }, {}, 120_000);
    const small = await worstLatencyWhile(answer, () => post(gw.url, { query: SMALL }), 200);
    const { status, ms, code } = await answer;
    const range = await post(gw.url, { query: '{ classes(first: 100000000) { totalCount } }' });
    const three = `{ ${[0, 1, 2].map((i) => `a${i}: searchImages(classes: ${JSON.stringify(names)}, first: 0) { totalCount }`).join(' ')} }`;
    const threeAliases = await post(gw.url, { query: three }, {}, 120_000);
    return {
      sixtyCountAliases: { status, code, ms },
      worstSmallQueryMs: small,
      threeCountAliases: { status: threeAliases.status, code: threeAliases.code, ms: threeAliases.ms },
      classesFirst1e8: range.code,
    };
  });
}

export async function case3(): Promise<Result> {
  // Aliases allowed, so that what is measured is the error quoting (the alias limit refuses 150 by default).
  return withGateway({ MAX_QUERY_ALIASES: '200' }, async (gw) => {
    const fields = Array.from({ length: 150 }, (_, i) => `j${i}: trainingJob(id: $s) { id }`).join(' ');
    const r = await post(gw.url, { query: `query($s: ID!) { ${fields} }`, variables: { s: 'x'.repeat(900 * 1024) } });
    return { requestKb: 900, status: r.status, code: r.code, responseMb: Math.round((r.bytes / 1024 / 1024) * 10) / 10, ms: r.ms };
  });
}
