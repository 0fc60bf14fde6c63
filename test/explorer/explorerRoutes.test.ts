import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { explorerCsp, originOf } from '../../src/explorer/explorerCsp';
import { EXPLORER_PAGES } from '../../src/explorer/explorerRoutes';
import { startGateway, type RunningGateway } from '../support/startGateway';

/** A stand-in for Vite's output: index.html and hashed assets. */
function fakeBuild(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-build-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/index-AbCd1234.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbCd1234.js'), 'console.log("explorer");'.repeat(50));
  fs.writeFileSync(path.join(dir, 'assets', 'notes.txt'), 'not served');
  return dir;
}

describe('explorer routes', () => {
  let gw: RunningGateway;
  let origin: string;
  const dir = fakeBuild();

  beforeAll(async () => {
    gw = await startGateway({ IMAGE_URL_TEMPLATE: 'https://images.example.org/i/{id}.jpg' }, { explorerDir: dir });
    origin = new URL(gw.url).origin;
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers index.html, never cached, with the CSP, at every page path and image detail path', async () => {
    for (const page of [...EXPLORER_PAGES, '/images/000062a39995e348']) {
      const response = await fetch(`${origin}${page}`);
      expect({ page, status: response.status }).toEqual({ page, status: 200 });
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(explorerCsp('https://images.example.org/i/{id}.jpg'));
      expect(await response.text()).toContain('/assets/index-AbCd1234.js');
    }
  });

  it('serves hashed assets for a year, gzipped when asked; other names and file types are 404', async () => {
    const asset = await fetch(`${origin}/assets/index-AbCd1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await asset.text()).toContain('console.log("explorer")');
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      http
        .get(`${origin}/assets/index-AbCd1234.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(zlib.gunzipSync(raw.body).toString()).toContain('console.log("explorer")');
    for (const missing of ['/assets/notes.txt', '/assets/other.js', '/assets/..%2Findex.html']) {
      expect({ missing, status: (await fetch(`${origin}${missing}`)).status }).toEqual({ missing, status: 404 });
    }
  });

  it('leaves /graphql to the API and unknown paths to 404: the explorer page (its "Page not found") for a browser, JSON for the rest', async () => {
    expect((await gw.graphql('{ relationTypes { name } }')).status).toBe(200);
    const api = await fetch(`${origin}/no-such-page`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/);
    const browser = await fetch(`${origin}/no-such-page`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(browser.status).toBe(404);
    expect(browser.headers.get('content-security-policy')).toBe(explorerCsp('https://images.example.org/i/{id}.jpg'));
    expect(await browser.text()).toContain('/assets/index-AbCd1234.js');
    const asset = await fetch(`${origin}/assets/other.js`, { headers: { accept: 'text/html' } });
    expect(asset.status).toBe(404);
    expect(await asset.text()).toBe('Not found');
  });

  it('says how to build the explorer when it is not built', async () => {
    const bare = await startGateway({}, { explorerDir: path.join(dir, 'absent') });
    try {
      const response = await fetch(`${new URL(bare.url).origin}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:web');
    } finally {
      await bare.close();
    }
  });
});

describe('explorer CSP', () => {
  it('allows images from the template host only, besides the gateway, data: and blob:', () => {
    expect(originOf('https://storage.googleapis.com/bucket/images/{id}.jpg')).toBe('https://storage.googleapis.com');
    expect(originOf('/local/{id}.jpg')).toBeUndefined();
    const csp = explorerCsp('http://127.0.0.1:9000/{id}.jpg');
    expect(csp).toContain("img-src 'self' data: blob: http://127.0.0.1:9000");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe');
  });
});
