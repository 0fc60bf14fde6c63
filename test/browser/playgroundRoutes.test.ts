import http from 'node:http';
import zlib from 'node:zlib';
import { startGateway, type RunningGateway } from '../support/startGateway';

// The HTTP side of the playground, without a browser: who gets the page, what it may load.
let gw: RunningGateway;
let origin: string;

beforeAll(async () => {
  gw = await startGateway();
  origin = new URL(gw.url).origin;
});
afterAll(() => gw?.close());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('GET /graphql', () => {
  it('gives a browser the playground page, which loads only its own scripts under a self-only CSP', async () => {
    const response = await fetch(gw.url, { headers: { accept: BROWSER_ACCEPT } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:|\*/);
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.filter((s) => !s.startsWith('data:')).every((s) => s.startsWith('/graphql/assets/'))).toBe(true);
    expect(html).not.toMatch(/<script>|<script(?![^>]*\ssrc=)[^>]*>/);
    for (const source of sources.filter((s) => !s.startsWith('data:'))) {
      const asset = await fetch(origin + source);
      expect({ source, status: asset.status }).toEqual({ source, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it.each([
    ['application/json', /^application\/json/],
    ['application/graphql-response+json', /^application\/graphql-response\+json/],
    ['*/*', /json/],
  ])('still answers GraphQL GET queries for Accept: %s', async (accept, contentType) => {
    const response = await fetch(`${gw.url}?query=${encodeURIComponent('{ relationTypes { name } }')}`, { headers: { accept, 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(contentType);
    const body = await response.json();
    expect(body.data.relationTypes.length).toBeGreaterThan(0);
  });

  it('still answers a GraphQL GET without an Accept header', async () => {
    const response = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`, { headers: { accept: '', 'apollo-require-preflight': 'true' } });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('GET /graphql/assets', () => {
  it('serves the GraphiQL bundle gzipped when asked, identical to the plain one', async () => {
    const plain = Buffer.from(await (await fetch(`${origin}/graphql/assets/graphiql.min.js`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
    // node's fetch decodes gzip itself; a raw request shows the encoding on the wire.
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http
        .get(`${origin}/graphql/assets/graphiql.min.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(raw.body.length).toBeLessThan(plain.length / 2);
    expect(zlib.gunzipSync(raw.body).equals(plain)).toBe(true);
    expect(plain.toString('utf8', 0, 200)).toContain('webpackBootstrap');
  });

  it('answers 404 for anything outside its allowlist', async () => {
    for (const name of ['nope.js', '..%2Fpackage.json', '..%2F..%2Fpackage.json', 'graphiql.min.js.map']) {
      const response = await fetch(`${origin}/graphql/assets/${name}`);
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
  });
});
