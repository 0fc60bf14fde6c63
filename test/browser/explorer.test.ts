import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureExplorerBuilt, EXPLORER_DIST } from '../support/explorerBuild';
import { hasSharedData, MODELS_DIR, noticeSkipped, OPEN_IMAGES_DIR, PHOTOS_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { writeColourFolders } from '../training/support/images';
import { CHROMIUM_ARGS, findChromium } from './findChromium';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'explorer');
const MODEL = path.join(MODELS_DIR, 'mobilenet_v2_1.0_224');
const executablePath = findChromium();
const runnable = !!executablePath && hasSharedData && fs.existsSync(path.join(MODEL, 'model.json'));

if (!executablePath && !process.env.CI) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: explorer browser test — no chromium found (apt-get install -y chromium, or set CHROMIUM_PATH).');
}
if (!hasSharedData) noticeSkipped('explorer browser test (needs the Open Images data and MobileNet V2)');
const describeBrowser = runnable || (process.env.CI && hasSharedData) ? describe : describe.skip;

/**
 * A stand-in for the image host (IMAGE_URL_TEMPLATE points here): ids ending in 0-b get a real photo,
 * the others 404, so the page shows both pictures and placeholders, and the CSP's image host is tested.
 */
async function startThumbnailHost(): Promise<{ origin: string; close(): Promise<void> }> {
  const photo = fs.readFileSync(path.join(PHOTOS_DIR, 'chelsea.png'));
  const server = http.createServer((req, res) => {
    const id = /^\/images\/([0-9a-f]+)\.jpg$/.exec(req.url ?? '')?.[1];
    if (id && id[id.length - 1] < 'c') res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=60' }).end(photo);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describeBrowser('web explorer in chromium, on the shared Open Images data', () => {
  let gw: RunningGateway;
  let origin: string;
  let thumbs: { origin: string; close(): Promise<void> };
  let tempDir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  const thumbnailRequests: string[] = [];

  async function shoot(name: string): Promise<void> {
    // Let thumbnails settle (loaded or placeholder) before the picture is taken.
    await page.waitForFunction(() => document.querySelectorAll('.thumb-loading').length === 0, undefined, { timeout: 10_000 }).catch(() => undefined);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    // Screen readers name every control: a <label>, aria-label or aria-labelledby.
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea'))
        .filter((control) => control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
        .map((control) => control.outerHTML.slice(0, 120)),
    );
    for (const control of unlabelled) problems.push(`unlabelled control on ${name}: ${control}`);
  }

  beforeAll(async () => {
    if (!executablePath) throw new Error('chromium is not installed (CI must install it: see .ci/run)');
    ensureExplorerBuilt();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-'));
    fs.mkdirSync(path.join(tempDir, 'training', 'one-class', 'cats'), { recursive: true });
    fs.mkdirSync(path.join(tempDir, 'models'));
    await writeColourFolders(path.join(tempDir, 'training', 'colours'), 6);
    thumbs = await startThumbnailHost();
    gw = await startGateway({
      DATA_DIR: OPEN_IMAGES_DIR,
      MODEL_DIR: MODEL,
      MODELS_DIR: path.join(tempDir, 'models'),
      TRAINING_DATA_ROOT: path.join(tempDir, 'training'),
      INFERENCE_WORKERS: '1',
      IMAGE_URL_TEMPLATE: `${thumbs.origin}/images/{id}.jpg`,
    });
    origin = new URL(gw.url).origin;
    context = await chromium.launchPersistentContext(path.join(tempDir, 'chromium'), { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin) return;
      if (url.origin === thumbs.origin && url.pathname.startsWith('/images/')) thumbnailRequests.push(request.url());
      else foreignRequests.push(request.url());
    });
    page.on('response', async (response) => {
      if (response.status() >= 400 && new URL(response.url()).origin === origin) problems.push(`HTTP ${response.status()} ${response.url()}: ${(await response.text().catch(() => '')).slice(0, 300)}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // The thumbnail host's 404s (unknown ids) are expected: the page shows placeholders for them.
      if (message.type() === 'error' && !message.location().url.startsWith(thumbs.origin)) problems.push(`console error: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await gw?.close();
    await thumbs?.close();
    if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
  });

  it('serves the app at / with a strict CSP, no-cache HTML and long-lived hashed assets under 250 KB of initial JS', async () => {
    const index = await fetch(`${origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(new RegExp(`img-src [^;]*${thumbs.origin.replace(/[.:/]/g, '\\$&')}`));
    const html = await index.text();
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    let initialGzipped = 0;
    for (const script of scripts) {
      expect(script).toMatch(/-[A-Za-z0-9_-]{8}\.js$/);
      const asset = await fetch(`${origin}${script}`);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      initialGzipped += zlib.gzipSync(Buffer.from(await asset.arrayBuffer())).length;
    }
    expect(initialGzipped).toBeLessThanOrEqual(250 * 1024);
    expect(fs.existsSync(path.join(EXPLORER_DIST, 'index.html'))).toBe(true);
  });

  it('Classes: real rows, search, sort by image count, relation types', async () => {
    await page.goto(`${origin}/classes`);
    const rows = page.locator('main table').first().locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);
    await page.getByRole('navigation', { name: 'Pages' }).first().getByRole('link', { name: 'Classes' }).waitFor();
    for (const name of ['Classes', 'Search', 'Relations', 'Classify', 'Label detection', 'Models', 'Training', 'Similar images']) {
      await page.locator('header nav').getByRole('link', { name, exact: true }).waitFor();
    }
    await page.getByLabel('Sort by').selectOption('count');
    await page.waitForURL(/sort=count/);
    await page.locator('main table tbody tr').first().getByRole('link', { name: 'Man', exact: true }).waitFor();
    await page.getByLabel('Search classes').fill('cup');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'Coffee cup' }).waitFor();
    await page.getByRole('region', { name: 'Relation types' }).getByRole('link', { name: 'holds' }).waitFor();
    await page.getByLabel('Search classes').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/classes\?sort=count$/);
    await shoot('classes');
  });

  it('Search: ANY of two classes picked from the autocomplete, then the next page', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Search', exact: true }).click();
    const picker = page.getByRole('combobox', { name: 'Add a class' });
    await picker.fill('Man');
    await page.getByRole('option', { name: /^Man \d/ }).click();
    // Keyboard only: the suggestions open, Enter takes the class whose name was typed.
    await picker.fill('Table');
    await page.getByRole('option', { name: /^Table \d/ }).waitFor();
    await picker.press('Enter');
    await page.waitForURL(/class=Man&class=Table/);
    const cards = page.getByRole('list', { name: 'Images' }).locator(':scope > li');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(24);
    const firstIds = await page.locator('.card-body .image-id').allTextContents();
    await expect(page.getByText(/^1–24 of [\d,]+/).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForURL(/after=.*page=2/);
    await page.getByText(/^25–48 of [\d,]+/).waitFor();
    const secondIds = await page.locator('.card-body .image-id').allTextContents();
    expect(secondIds).toHaveLength(24);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    await shoot('search');
  });

  it('Relations and an image detail with its relations', async () => {
    await page.goto(`${origin}/relations?subject=Woman&relation=holds`);
    const rows = page.getByRole('list', { name: 'Relations' }).locator(':scope > li');
    await rows.first().waitFor();
    await rows.first().getByText('holds').waitFor();
    await shoot('relations');
    const id = (await rows.first().locator('.image-id').textContent())!;
    await rows.first().locator('.image-id').click();
    await page.waitForURL(new RegExp(`/images/${id}$`));
    await page.getByRole('heading', { name: `Image ${id}` }).waitFor();
    const relations = page.getByRole('list', { name: 'Relations' });
    await relations.getByText('holds').first().waitFor();
    await expect(relations.locator('li').first().textContent()).resolves.toMatch(/→.*→/);
    await page.getByRole('list', { name: 'Classes' }).getByRole('link', { name: 'Woman' }).waitFor();
    await shoot('image');
  });

  it('Classify: two photos and a bad file dropped at once; labels linked to classes with their images; the bad file has its own error', async () => {
    await page.goto(`${origin}/classify`);
    await page.getByLabel('Model').locator('option', { hasText: 'mobilenet_v2_1.0_224' }).waitFor({ state: 'attached' });
    const files = [
      { name: 'chelsea.png', type: 'image/png', data: fs.readFileSync(path.join(PHOTOS_DIR, 'chelsea.png')).toString('base64') },
      { name: 'coffee.png', type: 'image/png', data: fs.readFileSync(path.join(PHOTOS_DIR, 'coffee.png')).toString('base64') },
      { name: 'notes.jpg', type: 'image/jpeg', data: Buffer.from('these are notes, not a picture').toString('base64') },
    ];
    await page.getByTestId('drop-zone').evaluate((zone, given) => {
      const transfer = new DataTransfer();
      for (const file of given) transfer.items.add(new File([Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
    const results = page.getByRole('list', { name: 'Results per file' }).locator(':scope > li');
    await results.first().waitFor({ timeout: 45_000 });
    expect(await results.count()).toBe(3);
    const chelsea = page.locator('li[data-filename="chelsea.png"]');
    await chelsea.getByRole('link', { name: 'Cat', exact: true }).first().waitFor();
    await chelsea.getByRole('list', { name: 'Images of Cat' }).first().locator('li').first().waitFor();
    expect(await page.locator('li[data-filename="coffee.png"] .label').count()).toBeGreaterThan(0);
    await page.locator('li[data-filename="notes.jpg"]').getByText('UNSUPPORTED_IMAGE').waitFor();
    await shoot('classify');
  });

  it('Label detection without Vision configured says so', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Label detection' }).click();
    await page.getByLabel('Choose photos').setInputFiles(path.join(PHOTOS_DIR, 'chelsea.png'));
    await page.getByRole('alert').getByText('Label detection is not available').waitFor();
    await shoot('label-detection');
  });

  it('Models lists the served model with its labels', async () => {
    await page.goto(`${origin}/models`);
    await page.getByRole('heading', { name: 'mobilenet_v2_1.0_224' }).waitFor();
    await page.getByText('Egyptian cat').first().waitFor();
    await page.getByLabel('Filter labels').fill('Egyptian');
    await page.getByRole('status').getByText(/^1 of 1,00\d$/).waitFor();
    await shoot('models');
  });

  it('Training: a job that cannot train fails with its reason; a real one is followed to the end', async () => {
    await page.goto(`${origin}/training`);
    await page.getByText('No job since the gateway started.').waitFor();
    await page.getByLabel('Model id').fill('explorer-test');
    await page.getByLabel('Folder under the training root').fill('one-class');
    await page.getByLabel('Epochs').fill('2');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/job=/);
    const job = page.locator('.job');
    await job.getByText('FAILED').waitFor({ timeout: 30_000 });
    await job.getByRole('alert').waitFor();
    await page.getByRole('region', { name: 'Recent jobs' }).getByRole('link', { name: 'explorer-test' }).waitFor();

    await page.getByLabel('Model id').fill('colours');
    await page.getByLabel('Folder under the training root').fill('colours');
    await page.getByLabel('Epochs').fill('10');
    await page.getByText('More options').click();
    await page.getByLabel('Learning rate').fill('0.005');
    await page.getByLabel('Test share (images without a split)').fill('0.35');
    const firstJob = page.url();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL((url) => url.href !== firstJob);
    await job.getByText('SUCCEEDED').waitFor({ timeout: 60_000 });
    await shoot('training');
    await job.getByRole('link', { name: 'See the evaluation' }).click();
    await page.waitForURL(/\/models\?model=colours$/);
    await page.getByRole('heading', { name: 'Evaluation on the TEST split' }).waitFor();
    const heatmap = page.getByRole('table', { name: /Confusion matrix/ });
    await expect(heatmap.locator('tbody tr').count()).resolves.toBe(3);
    await expect(heatmap.locator('thead th').allTextContents()).resolves.toEqual(['true ↓ / predicted →', 'blue', 'green', 'red']);
    await shoot('models-evaluation');
  });

  it('Similar images without an embeddings file says so', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Similar images' }).click();
    await page.getByLabel('Choose a photo').setInputFiles(path.join(PHOTOS_DIR, 'coffee.png'));
    await page.getByRole('alert').getByText('Similar images are not available').waitFor();
    await shoot('similar');
  });

  it('fits a 360 px wide screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const url of ['/classes', '/relations?relation=holds', '/classify', '/search?class=Woman&class=Coffee%20cup&match=ALL']) {
      await page.goto(`${origin}${url}`);
      await page.locator('main h1').waitFor();
      await page.locator('main .state-loading').first().waitFor({ state: 'detached', timeout: 10_000 });
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ url, width }).toEqual({ url, width: 360 });
    }
    await shoot('search-360px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('asked nothing of any host but the gateway and the thumbnail host, and broke no rule', () => {
    expect(thumbnailRequests.length).toBeGreaterThan(0);
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
