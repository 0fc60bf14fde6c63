import fs from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { shippedModelDir } from '../../src/paths';
import { FLOWERS_DIR, hasSharedData, noticeSkipped, OPEN_IMAGES_DIR, PHOTOS_DIR } from '../support/sharedData';
import { hasFlowers } from '../training/support/images';
import { ARTIFACTS, executablePath, openAnotherDevice, openExplorer, type ExplorerSession } from './explorerHarness';

const runnable = !!executablePath && hasSharedData && hasFlowers && fs.existsSync(path.join(shippedModelDir(), 'model.json'));
if (!hasSharedData || !hasFlowers) noticeSkipped('explorer classify/evaluation browser test (needs the Open Images data and the flower photos)');
const describeBrowser = runnable || (process.env.CI && hasSharedData) ? describe : describe.skip;

const FLOWERS = ['daisy', 'dandelion', 'sunflower'];
const PER_CLASS = 14;
const MODEL = 'flowers';
/** The shared photos: none is a flower. */
const OTHER_PHOTOS = ['chelsea.png', 'hubble_deep_field.jpg', 'retina.jpg', 'astronaut.png', 'camera.png', 'motorcycle_left.png', 'rocket.jpg', 'coffee.png'];
const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

/** A few real flower photos per class under the training root, and the gateway's env (the shipped model plus a models folder). */
function trainingEnv(tempDir: string): Record<string, string> {
  for (const label of FLOWERS) {
    fs.mkdirSync(path.join(tempDir, 'training', 'flowers', label), { recursive: true });
    const files = fs
      .readdirSync(path.join(FLOWERS_DIR, label))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(0, PER_CLASS);
    for (const file of files) fs.copyFileSync(path.join(FLOWERS_DIR, label, file), path.join(tempDir, 'training', 'flowers', label, file));
  }
  return { DATA_DIR: OPEN_IMAGES_DIR, DEFAULT_MODEL: 'shipped', MODELS_DIR: path.join(tempDir, 'models'), TRAINING_DATA_ROOT: path.join(tempDir, 'training') };
}

/** Trains the flower model through the API (the Training page has its own test) and waits for it. */
async function trainFlowers(session: ExplorerSession): Promise<void> {
  const started = await session.gw.graphql(`mutation($input: TrainModelInput!) { trainModel(input: $input) { id } }`, {
    input: { modelId: MODEL, data: 'flowers', epochs: 30, learningRate: 0.01, refitOnAllPhotos: false, validationFraction: 0.1, testFraction: 0.35 },
  });
  const id = started.body.data?.trainModel.id;
  if (!id) throw new Error(`trainModel failed: ${JSON.stringify(started.body)}`);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const job = await session.gw.graphql(`query($id: ID!) { trainingJob(id: $id) { status error } }`, { id });
    const status = job.body.data?.trainingJob?.status;
    if (status === 'SUCCEEDED') return;
    if (status === 'FAILED' || status === 'CANCELLED' || Date.now() > deadline) throw new Error(`training ended ${status}: ${JSON.stringify(job.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function photoFile(name: string) {
  return { name, type: name.endsWith('.png') ? 'image/png' : 'image/jpeg', data: fs.readFileSync(path.join(PHOTOS_DIR, name)).toString('base64') };
}

async function dropFiles(page: Page, files: { name: string; type: string; data: string }[]): Promise<void> {
  await page.getByTestId('drop-zone').evaluate((zone, given) => {
    const transfer = new DataTransfer();
    for (const file of given) transfer.items.add(new File([Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0))], file.name, { type: file.type }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

/** The percentages of the labels a result card shows. */
async function shownScores(page: Page, filename: string): Promise<number[]> {
  const texts = await page.locator(`li[data-filename="${filename}"] .label .score-text`).allTextContents();
  return texts.map((text) => Number.parseFloat(text));
}

describeBrowser('web explorer in chromium: classify and a trained model evaluation', () => {
  let session: ExplorerSession;
  let page: Page;
  let origin: string;
  /** Multipart requests: uploads (classify). */
  const classifyRequests: Request[] = [];
  const assetRequests: string[] = [];
  const started = Date.now();

  beforeAll(async () => {
    session = await openExplorer(trainingEnv);
    ({ page, origin } = session);
    await trainFlowers(session);
    // The names of the files each request carried, recorded in the page (CDP does not hand over multipart bodies with blobs).
    await page.addInitScript(() => {
      const sent: string[][] = [];
      (window as unknown as { sentFiles: string[][] }).sentFiles = sent;
      const original = window.fetch.bind(window);
      window.fetch = (input, init) => {
        if (init?.body instanceof FormData) {
          const names: string[] = [];
          init.body.forEach((value) => {
            if (value instanceof File) names.push(value.name);
          });
          sent.push(names);
        }
        return original(input, init);
      };
    });
    page.on('request', (request) => {
      if (request.method() === 'POST' && (request.headers()['content-type'] ?? '').startsWith('multipart/form-data')) classifyRequests.push(request);
      if (new URL(request.url()).pathname.startsWith('/assets/')) assetRequests.push(new URL(request.url()).pathname);
    });
  }, 150_000);

  afterAll(async () => {
    await session?.close();
    console.log(`explorerClassify: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('Classify: a renamed text file never leaves the browser; cards name their model; the slider filters at once; a 0-image class offers related classes', async () => {
    await page.goto(`${origin}/classify?min=0.05`);
    await page.getByLabel('Model').locator('option', { hasText: MODEL }).waitFor({ state: 'attached' });
    const notes = { name: 'notes.jpg', type: 'image/jpeg', data: Buffer.from('these are notes, not a picture').toString('base64') };
    await dropFiles(page, [photoFile('chelsea.png'), photoFile('coffee.png'), notes]);
    await page.getByRole('heading', { name: 'Results from mobilenet_v2_1.0_224' }).waitFor({ timeout: 60_000 });
    // The results heading takes the focus, and the live region says what happened.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Results from mobilenet_v2_1.0_224');
    await page.getByTestId('live-region').getByText('3 files classified by mobilenet_v2_1.0_224, 1 with an error').waitFor({ state: 'attached' });
    const cards = page.getByRole('list', { name: 'Results per file' }).locator(':scope > li');
    expect(await cards.count()).toBe(3);
    const rejected = page.locator('li[data-filename="notes.jpg"]');
    await rejected.getByText('UNSUPPORTED_IMAGE').waitFor();
    await rejected.getByText(/not sent/).waitFor();
    expect(classifyRequests).toHaveLength(1);
    await expect(page.evaluate(() => (window as unknown as { sentFiles: string[][] }).sentFiles)).resolves.toEqual([['chelsea.png', 'coffee.png']]);
    for (const name of ['chelsea.png', 'coffee.png']) await page.locator(`li[data-filename="${name}"]`).getByText('Model: mobilenet_v2_1.0_224').waitFor();

    // espresso names Coffee, which has no images here: the card offers classes that do instead of a dead end.
    const coffee = page.locator('li[data-filename="coffee.png"]');
    const espresso = coffee.locator('.label').filter({ hasText: 'espresso' });
    await espresso.getByText('no images in the loaded data').waitFor();
    expect(await espresso.getByRole('link', { name: 'Coffee', exact: true }).count()).toBe(0);
    const related = espresso.locator('.related-link');
    await related.filter({ hasText: /Coffee cup · \d+ images/ }).waitFor();
    await session.shoot('classify-results');
    await session.checkAccessibility('classify-results');
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      fs.mkdirSync(DOCS_IMAGES, { recursive: true });
      await page.screenshot({ path: path.join(DOCS_IMAGES, 'explorer-classify.png'), fullPage: true });
    }

    const before = await shownScores(page, 'chelsea.png');
    expect(before.some((score) => score < 50)).toBe(true);
    const slider = page.getByLabel('Minimum confidence');
    await slider.focus();
    for (let i = 0; i < 45; i++) await slider.press('ArrowRight');
    await page.waitForURL(/min=0\.5\b/);
    const after = await shownScores(page, 'chelsea.png');
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(before.length);
    expect(after.every((score) => score >= 50)).toBe(true);
    expect(classifyRequests).toHaveLength(1);

    await related
      .filter({ hasText: /Coffee cup/ })
      .first()
      .click();
    await page.waitForURL(/\/search\?class=Coffee\+cup/);
    await page.getByRole('list', { name: 'Images' }).locator(':scope > li').first().waitFor();
    await page.goBack();
  }, 120_000);

  it('Classify: a model change re-runs the same photos (old cards marked stale meanwhile); below its unknownThreshold a card says none of these classes', async () => {
    await page.goto(`${origin}/classify`);
    await page.getByLabel('Model').locator('option', { hasText: MODEL }).waitFor({ state: 'attached' });
    await dropFiles(page, OTHER_PHOTOS.map(photoFile));
    await page.getByRole('heading', { name: 'Results from mobilenet_v2_1.0_224' }).waitFor({ timeout: 60_000 });
    const sent = classifyRequests.length;
    // Held back a moment, so the stale state can be seen.
    await page.route('**/graphql', async (route) => {
      if ((route.request().headers()['content-type'] ?? '').startsWith('multipart/form-data')) await new Promise((resolve) => setTimeout(resolve, 1000));
      await route.fallback();
    });
    try {
      await page.getByLabel('Model').selectOption(MODEL);
      await page
        .getByRole('status')
        .filter({ hasText: `These results are from mobilenet_v2_1.0_224; classifying the same photos with ${MODEL}` })
        .waitFor();
      await expect(page.locator('.classify-results').getAttribute('aria-busy')).resolves.toBe('true');
      await session.shoot('classify-stale');
      await page.getByRole('heading', { name: new RegExp(`^Results from ${MODEL}(@\\d+)?$`) }).waitFor({ timeout: 60_000 });
    } finally {
      await page.unroute('**/graphql');
    }
    expect(classifyRequests.length).toBe(sent + 1);
    const cards = page.getByRole('list', { name: 'Results per file' }).locator(':scope > li');
    expect(await cards.count()).toBe(OTHER_PHOTOS.length);
    for (const name of OTHER_PHOTOS)
      await page
        .locator(`li[data-filename="${name}"]`)
        .getByText(new RegExp(`Model: ${MODEL}`))
        .waitFor();
    // A card says "none of these classes" exactly when its top score is below the model's unknownThreshold; photos
    // unlike daisies, dandelions and sunflowers often still score high (hubble_deep_field: dandelion 100%). Scores
    // shown rounded within 0.1 point of the threshold are not judged (the text cannot say which side they are on).
    const models = await session.gw.graphql<{ data: { models: { id: string; evaluation: { unknownThreshold: number } | null }[] } }>(
      '{ models { id evaluation { unknownThreshold } } }',
    );
    const unknownThreshold = models.body.data.models.find((m) => m.id === MODEL)!.evaluation!.unknownThreshold;
    const below: string[] = [];
    for (const name of OTHER_PHOTOS) {
      const card = page.locator(`li[data-filename="${name}"]`);
      const top = Number.parseFloat((await card.locator('.label .score-text').first().textContent())!);
      if (Math.abs(top - unknownThreshold * 100) < 0.1) continue;
      if (top < unknownThreshold * 100) below.push(name);
      expect({ name, top, noneOfThese: await card.locator('.none-of-these').count() }).toEqual({ name, top, noneOfThese: top < unknownThreshold * 100 ? 1 : 0 });
    }
    // The seeded model leaves rocket.jpg just below it here; should another machine's arithmetic move it, the
    // first photo below the threshold is read instead (and with none below, the per-card check above stands alone).
    if (below.length === 0) console.warn(`NOTICE: no photo scored below unknownThreshold ${unknownThreshold}: the "none of these classes" text was not read`);
    else {
      const unknown = page.locator(`li[data-filename="${below.includes('rocket.jpg') ? 'rocket.jpg' : below[0]}"] .none-of-these`);
      await unknown.first().getByText('None of these classes').waitFor();
      await unknown
        .first()
        .getByText(/only knows its 3 labels/)
        .waitFor();
    }
    await session.shoot('classify-none-of-these');
    await session.checkAccessibility('classify-none-of-these');
  }, 120_000);

  it('Models: the threshold slider moves along the precision-recall curve and sets the metrics; a confusion-matrix cell opens its TEST photos', async () => {
    expect(assetRequests.filter((asset) => /uPlot/.test(asset))).toEqual([]);
    await page.goto(`${origin}/models?model=${MODEL}`);
    await page.getByRole('heading', { name: 'Evaluation on the TEST split' }).waitFor();
    const chart = page.getByRole('img', { name: /^Precision-recall curve: auPRC \d\.\d\d; at threshold 0\.50/ });
    await chart.waitFor();
    await page.locator('.pr-chart-canvas[data-drawn] canvas').waitFor();
    expect(assetRequests.filter((asset) => /uPlot.*\.js$/.test(asset)).length).toBe(1);
    expect(assetRequests.filter((asset) => /uPlot.*\.css$/.test(asset)).length).toBe(1);
    await page
      .getByRole('note', { name: 'Photos unlike the training data' })
      .getByText(/only knows its 3 labels/)
      .waitFor();

    const metrics = page.getByRole('list', { name: /^Metrics at threshold/ });
    const recallAt = async () => (await metrics.locator('li').filter({ hasText: 'Recall' }).locator('.metric-value').textContent())!;
    const slider = page.getByLabel('Score threshold');
    await slider.focus();
    await slider.press('Home');
    await page.waitForURL(/threshold=0\b/);
    await page.getByRole('heading', { name: 'Per class (threshold 0.00)' }).waitFor();
    expect(await recallAt()).toBe('100.0%');
    await page
      .getByRole('list', { name: 'Metrics at threshold 0.00' })
      .getByText(/^0 of \d+$/)
      .waitFor();
    for (let i = 0; i < 95; i++) await slider.press('ArrowRight');
    await page.waitForURL(/threshold=0\.95\b/);
    await page.getByRole('heading', { name: 'Per class (threshold 0.95)' }).waitFor();
    expect(Number.parseFloat(await recallAt())).toBeLessThan(100);
    await page.getByRole('img', { name: /^Precision-recall curve: auPRC .*; at threshold 0\.95: precision \d+%, recall \d+%$/ }).waitFor();
    for (let i = 0; i < 55; i++) await slider.press('ArrowLeft');
    await page.waitForURL(/threshold=0\.4\b/);
    await page.getByRole('heading', { name: 'Per class (threshold 0.40)' }).waitFor();
    await session.shoot('models-evaluation-curve');
    await session.checkAccessibility('models-evaluation-curve');
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      await page.getByRole('heading', { name: 'Score threshold', level: 4 }).evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
      await page.evaluate(() => window.scrollBy(0, -40));
      fs.mkdirSync(DOCS_IMAGES, { recursive: true });
      await page.screenshot({ path: path.join(DOCS_IMAGES, 'explorer-evaluation.png') });
    }

    const matrix = page.getByRole('table', { name: /Confusion matrix/ });
    const cell = matrix.getByRole('button', { name: /photos? of daisy predicted as daisy: show$/ });
    const count = Number(await cell.textContent());
    expect(count).toBeGreaterThan(0);
    await cell.click();
    const panel = page.getByRole('region', { name: new RegExp(`^daisy predicted as daisy: ${count} TEST photos?$`) });
    await panel.waitFor();
    await expect(panel.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
    const photos = panel.getByRole('list', { name: 'Photos of daisy predicted as daisy' }).locator(':scope > li');
    await photos.first().waitFor();
    expect(await photos.count()).toBe(count);
    await expect(photos.first().locator('img').getAttribute('src')).resolves.toMatch(/^data:image\/jpeg;base64,/);
    await photos
      .first()
      .getByText(/^daisy\/.+\.jpg$/)
      .waitFor();
    await expect(cell.getAttribute('aria-expanded')).resolves.toBe('true');
    await session.shoot('models-confusion-cell');
    await session.checkAccessibility('models-confusion-cell');
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    await expect(cell.evaluate((element) => element === document.activeElement)).resolves.toBe(true);
  }, 60_000);

  it('Phone: no drag-and-drop wording, 44 px targets, and the evaluation with its curve', async () => {
    const phone = await openAnotherDevice(session, 'phone');
    try {
      await phone.page.goto(`${phone.origin}/classify`);
      const drop = phone.page.getByTestId('drop-zone');
      await drop.getByText('Choose photos').waitFor();
      expect(await drop.getByText(/Drop photos here/).count()).toBe(0);
      const box = await drop.locator('.button-like').boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(44);
      await phone.page.getByLabel('Choose photos').setInputFiles(path.join(PHOTOS_DIR, 'chelsea.png'));
      await phone.page.getByRole('heading', { name: 'Results from mobilenet_v2_1.0_224' }).waitFor({ timeout: 60_000 });
      await phone.shoot('classify');
      await phone.checkAccessibility('classify');
      await phone.page.goto(`${phone.origin}/models?model=${MODEL}&threshold=0.3`);
      await phone.page.locator('.pr-chart-canvas[data-drawn] canvas').waitFor();
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBe(390);
      const cell = phone.page
        .getByRole('table', { name: /Confusion matrix/ })
        .getByRole('button')
        .first();
      const cellBox = await cell.boundingBox();
      expect(cellBox!.height).toBeGreaterThanOrEqual(44);
      await phone.shoot('models-evaluation');
      await phone.checkAccessibility('models-evaluation');
      expect(phone.foreignRequests).toEqual([]);
      expect(phone.problems).toEqual([]);
    } finally {
      await phone.close();
    }
  }, 90_000);

  it('asked nothing of any host but the gateway and the thumbnail host, and broke no rule', () => {
    expect(fs.existsSync(ARTIFACTS)).toBe(true);
    expect(session.foreignRequests).toEqual([]);
    expect(session.problems).toEqual([]);
  });
});
