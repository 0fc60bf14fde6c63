import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page, Request } from 'playwright-core';
import { DEFAULT_BACKBONE } from '../../src/backbone/loadBackbone';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { FLOWERS_DIR, hasSharedData, noticeSkipped, OPEN_IMAGES_DIR } from '../support/sharedData';
import { colourImage, writeColourFolders } from '../training/support/images';
import { ARTIFACTS, executablePath, openExplorer, type ExplorerSession } from './explorerHarness';

const runnable = !!executablePath && hasSharedData;
if (!hasSharedData) noticeSkipped('explorer training browser test (needs the Open Images data)');
const describeBrowser = runnable || (process.env.CI && hasSharedData) ? describe : describe.skip;

const DOCS_IMAGES = path.resolve(__dirname, '..', '..', 'docs', 'images');

/** Real Open Images ids (of the shared data): embedded images named after them link to their detail pages. */
const IMAGE_IDS = ['000062a39995e348', '0000c64e1253d68f', '00094d5e8b3cb038'];

/** What a job's charts show: points drawn, phases named in the text alternative, and its last loss. */
async function chartFigures(job: Locator): Promise<{ points: number; phases: string[]; lastLoss: string }> {
  const points = Number(await job.getByTestId('chart-loss').getAttribute('data-points'));
  const rows = job.getByRole('table', { name: 'Latest figures per phase' }).locator('tbody tr');
  const phases = (await rows.locator('th').allInnerTexts()).map((text) => text.replace(/\s*\(.*$/s, ''));
  const lastLoss = await rows.last().locator('td').nth(1).innerText();
  return { points, phases, lastLoss };
}

/** Training, a trained model's evaluation, and similar images over a real EMBEDDINGS file. */
describeBrowser('web explorer in chromium: training, evaluation, similar images', () => {
  let session: ExplorerSession;
  let page: Page;
  let origin: string;
  const shoot = (name: string) => session.shoot(name);
  let queryImage: string;

  beforeAll(async () => {
    session = await openExplorer(async (tempDir) => {
      fs.mkdirSync(path.join(tempDir, 'training', 'one-class', 'cats'), { recursive: true });
      await writeColourFolders(path.join(tempDir, 'training', 'colours'), 6);
      // Real photos, listed (not trained on): tulip has too few, and daisy over 3 times as many.
      for (const [label, count] of [
        ['daisy', 14],
        ['rose', 12],
        ['tulip', 4],
      ] as const) {
        fs.mkdirSync(path.join(tempDir, 'training', 'flowers', label), { recursive: true });
        const photos = fs
          .readdirSync(path.join(FLOWERS_DIR, label))
          .filter((file) => file.endsWith('.jpg'))
          .sort()
          .slice(0, count);
        for (const photo of photos) fs.copyFileSync(path.join(FLOWERS_DIR, label, photo), path.join(tempDir, 'training', 'flowers', label, photo));
      }
      const images = path.join(tempDir, 'embedded');
      await writeColourFolders(images, 3);
      for (const [i, id] of IMAGE_IDS.entries()) fs.writeFileSync(path.join(images, 'green', `${id}.jpg`), await colourImage('green', 700 + i));
      queryImage = path.join(images, 'green', `${IMAGE_IDS[0]}.jpg`);
      const embeddings = path.join(tempDir, 'embeddings.parquet');
      await embedFolder({ images, out: embeddings, backbone: DEFAULT_BACKBONE, threads: 1, batchSize: 8, maxImagePixels: 1e8, seed: 1 });
      return { DATA_DIR: OPEN_IMAGES_DIR, MODELS_DIR: path.join(tempDir, 'models'), TRAINING_DATA_ROOT: path.join(tempDir, 'training'), EMBEDDINGS: embeddings };
    });
    ({ page, origin } = session);
  }, 180_000);

  afterAll(() => session?.close());

  it('Training: datasets to pick from with counts, thumbnails and warnings; a bad model id is explained inline', async () => {
    await page.goto(`${origin}/training`);
    await page.getByText('No job since the gateway started.').waitFor();
    const flowers = page.getByTestId('dataset').filter({ has: page.getByRole('radio', { name: /^flowers\b/ }) });
    await flowers.waitFor();
    await flowers.getByText(/folder of class folders · 30 photos · 3 classes · \d warnings?/).waitFor();
    await expect(flowers.getByRole('list', { name: 'Classes of flowers' }).locator(':scope > li').allInnerTexts()).resolves.toEqual(['daisy 14', 'rose 12', 'tulip 4']);
    expect(await flowers.locator('img[src^="data:image/jpeg;base64,"]').count()).toBeGreaterThanOrEqual(3);
    const warnings = flowers.getByRole('list', { name: 'Warnings about flowers' });
    await warnings.locator('[data-code="FEW_PHOTOS"]').filter({ hasText: 'tulip' }).waitFor();
    const colours = page.getByTestId('dataset').filter({ has: page.getByRole('radio', { name: /^colours\b/ }) });
    await colours.getByText(/18 photos · 3 classes/).waitFor();
    // A warning never blocks the choice: the radio is picked and described by its warnings.
    await page.getByRole('radio', { name: /^flowers\b/ }).check();
    await expect(page.getByRole('radio', { name: /^flowers\b/ }).getAttribute('aria-describedby')).resolves.toMatch(/warnings/);
    await shoot('training-datasets');
    await session.checkAccessibility('training-datasets');

    const modelId = page.getByLabel('Model id');
    await modelId.fill('my model!');
    const problem = page.locator('#train-model-problem');
    await expect(problem.innerText()).resolves.toBe('Not allowed: spaces, “!”. Use letters, digits, “.”, “_” or “-”.');
    await expect(modelId.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(modelId.getAttribute('aria-describedby')).resolves.toBe('train-model-rule train-model-problem');
    await page.getByRole('button', { name: 'Start training' }).click();
    expect(page.url()).not.toMatch(/job=/);
    await page.waitForFunction(() => document.activeElement?.id === 'train-model');
    await shoot('training-invalid-id');
    await session.checkAccessibility('training-invalid-id');
    await modelId.fill('x'.repeat(101));
    await expect(problem.innerText()).resolves.toBe('At most 100 characters: this one has 101.');
  });

  it('Training: a job that cannot train fails with its reason; a real one is followed live with charts that survive a reload', async () => {
    // Event streams the page opened (graphql-sse asks for text/event-stream; the gateway answers with one).
    const streams: { requestHeaders: Record<string, string>; contentType: string }[] = [];
    let jobReads = 0;
    page.on('request', (request) => {
      if (request.postData()?.includes('"operationName":"ExplorerTrainingJob"')) jobReads += 1;
    });
    page.on('response', (response) => {
      const contentType = response.headers()['content-type'] ?? '';
      if (new URL(response.url()).pathname === '/graphql' && contentType.startsWith('text/event-stream')) {
        streams.push({ requestHeaders: response.request().headers(), contentType });
      }
    });
    await page.goto(`${origin}/training`);
    await page.getByText('No job since the gateway started.').waitFor();
    await page.getByLabel('Model id').fill('explorer-test');
    await page.getByRole('radio', { name: 'Another path' }).check();
    await page.getByLabel('Folder or CSV under the training root').fill('one-class');
    await page.getByLabel('Epochs').fill('2');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/job=/);
    const job = page.locator('.job');
    // Focus moves to the job that started.
    await page.waitForFunction(() => document.activeElement?.classList.contains('job'));
    await job.getByText('FAILED', { exact: true }).waitFor({ timeout: 30_000 });
    await job.getByRole('alert').waitFor();
    await page.getByRole('region', { name: 'Recent jobs' }).getByRole('link', { name: 'explorer-test' }).waitFor();

    await page.getByLabel('Model id').fill('colours');
    await page.getByRole('radio', { name: /^colours\b/ }).check();
    await page.getByLabel('Epochs').fill('10');
    await page.getByText('More options').click();
    await page.getByLabel('Learning rate').fill('0.005');
    await page.getByLabel('Test share (images without a split)').fill('0.35');
    const firstJob = page.url();
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL((url) => url.href !== firstJob);
    const lossChart = job.getByTestId('chart-loss');
    await lossChart.locator('canvas').waitFor({ timeout: 150_000 });
    await job.getByText('SUCCEEDED', { exact: true }).waitFor({ timeout: 150_000 });
    // Followed through the stream, not by polling: the log holds what only events carry (every epoch,
    // the status changes up to SUCCEEDED with the test accuracy), and each stream carried the CSRF header.
    await job.getByText(/^Events received/).click();
    const events = job.getByRole('list', { name: 'Job events' }).locator(':scope > li');
    await events.filter({ hasText: /status SUCCEEDED: test accuracy/ }).waitFor();
    expect(await events.filter({ hasText: /epoch \d+ \/ \d+ \((head|refit on every photo)\), \d+ \/ \d+ overall: loss \d/ }).count()).toBeGreaterThan(0);
    expect(streams.length).toBeGreaterThan(0);
    // One read of each job when it is opened (and one more should the stream start after epochs it missed); polling would read it every second.
    expect(jobReads).toBeLessThanOrEqual(4);
    for (const stream of streams) expect(stream.requestHeaders['apollo-require-preflight']).toBe('true');

    const figures = await chartFigures(job);
    // 10 head epochs, then the refit on every photo repeats them: each phase named, counted within itself.
    expect(figures.points).toBe(20);
    expect(figures.phases).toEqual(['head', 'refit on every photo']);
    await expect(job.getByTestId('job-epoch').innerText()).resolves.toBe('10 / 10 (refit on every photo) · 20 / 20 overall');
    await expect(job.getByTestId('job-loss').innerText()).resolves.toBe(figures.lastLoss);
    await shoot('training');
    await session.checkAccessibility('training-charts');
    if (process.env.UPDATE_DOCS_SCREENSHOTS === '1') {
      // The README's picture of the page (1280 px wide: the dataset picker, the job and its charts), rewritten only when asked for.
      fs.mkdirSync(DOCS_IMAGES, { recursive: true });
      const height = await page.evaluate(() => Math.ceil((document.querySelector('.training-figures')?.getBoundingClientRect().bottom ?? 1200) + window.scrollY + 24));
      await page.screenshot({ path: path.join(DOCS_IMAGES, 'explorer-training.png'), fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
    }

    // A reload draws the same curves from the job's history, with no event received since.
    await page.reload();
    await lossChart.locator('canvas').waitFor();
    await expect(chartFigures(job)).resolves.toEqual(figures);
    await expect(job.getByRole('img', { name: 'Training loss per epoch' }).count()).resolves.toBe(1);
    await expect(job.getByRole('img', { name: 'Validation accuracy per epoch' }).count()).resolves.toBe(1);

    await job.getByRole('link', { name: 'See the evaluation' }).click();
    await page.waitForURL(/\/models\?model=colours$/);
    await page.getByRole('heading', { name: 'Evaluation on the TEST split' }).waitFor();
    const heatmap = page.getByRole('table', { name: /Confusion matrix/ });
    await expect(heatmap.locator('tbody tr').count()).resolves.toBe(3);
    await expect(heatmap.locator('thead th').allTextContents()).resolves.toEqual(['true ↓ / predicted →', 'blue', 'green', 'red']);
    await shoot('models-evaluation');
  }, 240_000);

  it('Training: reusing an id asks before replacing the model; when the event stream is refused (503 OVERLOADED), the page polls the job to the end', async () => {
    const refused: string[] = [];
    await page.route('**/graphql', async (route) => {
      if (!(route.request().headers().accept ?? '').includes('text/event-stream')) return route.fallback();
      refused.push(route.request().url());
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'retry-after': '5' },
        body: JSON.stringify({ errors: [{ message: 'Too many open subscription streams', extensions: { code: 'OVERLOADED' } }] }),
      });
    });
    try {
      let jobReads = 0;
      const countReads = (request: Request) => {
        if (request.postData()?.includes('"operationName":"ExplorerTrainingJob"')) jobReads += 1;
      };
      page.on('request', countReads);
      await page.goto(`${origin}/training`);
      await page.getByLabel('Model id').fill('colours');
      await page.getByText('You already have a model colours.', { exact: false }).waitFor();
      await page.getByRole('radio', { name: /^colours\b/ }).check();
      await page.getByLabel('Epochs').fill('3');
      await page.getByRole('button', { name: 'Start training' }).click();
      await page.locator('#train-model-problem').getByText('Tick “Replace my model “colours”” to replace it, or choose another id.').waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'train-replace');
      expect(page.url()).not.toMatch(/job=/);
      await shoot('training-replace');
      await session.checkAccessibility('training-replace');
      await page.getByLabel('Replace my model “colours”').check();
      await page.getByRole('button', { name: 'Replace and start training' }).click();
      await page.waitForURL(/job=/);
      const job = page.locator('.job');
      await job.getByText('SUCCEEDED', { exact: true }).waitFor({ timeout: 60_000 });
      page.off('request', countReads);
      await job.getByText(/Done: accuracy \d/).waitFor();
      expect(refused.length).toBeGreaterThan(0);
      expect(jobReads).toBeGreaterThan(1);
      await expect(job.getByText(/^Events received/).count()).resolves.toBe(0);
      // Polled, the history still draws every epoch.
      await expect(chartFigures(job)).resolves.toMatchObject({ points: 6, phases: ['head', 'refit on every photo'] });
    } finally {
      await page.unroute('**/graphql');
      // The refusals were this test's own doing, not the page's.
      session.problems = session.problems.filter((problem) => !/\b503\b/.test(problem));
    }
  });

  it('Training at 390 px: touch targets of at least 44 px, no accessibility violation; a gateway that cannot train says why on arrival', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(page.url());
      await page.locator('.job').getByTestId('chart-loss').locator('canvas').waitFor();
      const small = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('.training-form button, .training-form input:not([type=radio]):not([type=checkbox]), .dataset-choice, .job button'))
          .filter((element) => element.offsetParent !== null && element.getBoundingClientRect().height < 44)
          .map((element) => `${element.outerHTML.slice(0, 80)}: ${element.getBoundingClientRect().height}px`),
      );
      expect(small).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'training-390px.png'), fullPage: true });
      await session.checkAccessibility('training (390 px)');

      // What the gateway says when TRAINING_DATA_ROOT is not set, on its real answer otherwise.
      await page.route('**/graphql', async (route) => {
        if (!route.request().postData()?.includes('"operationName":"ExplorerCapabilities"')) return route.fallback();
        const response = await route.fetch();
        const body = await response.json();
        if (body.data?.capabilities) body.data.capabilities.training = { __typename: 'Capability', available: false, reason: 'TRAINING_DATA_ROOT is not set.' };
        await route.fulfill({ response, json: body });
      });
      await page.goto(`${origin}/training`);
      await page.getByTestId('training-unavailable').getByText('TRAINING_DATA_ROOT is not set.').waitFor();
      await expect(page.getByRole('button', { name: 'Start training' }).isDisabled()).resolves.toBe(true);
    } finally {
      await page.unroute('**/graphql');
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('Similar images: an upload gets a grid of its neighbours, best first, linked to their Open Images pages', async () => {
    await page.locator('header nav').getByRole('link', { name: 'Similar images' }).click();
    await page.getByRole('heading', { name: 'Similar images' }).waitFor();
    await page.getByLabel('Choose a photo').setInputFiles(queryImage);
    const results = page.getByRole('list', { name: 'Similar images' }).locator(':scope > li');
    await results.first().waitFor({ timeout: 30_000 });
    expect(await results.count()).toBe(12);
    await results
      .first()
      .getByText(/similarity 1\.000/)
      .waitFor();
    await results
      .first()
      .getByRole('link', { name: `Image ${IMAGE_IDS[0]}` })
      .click();
    await page.waitForURL(new RegExp(`/images/${IMAGE_IDS[0]}$`));
    await page.getByRole('heading', { name: `Image ${IMAGE_IDS[0]}` }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Similar images' }).waitFor();
    await page.getByLabel('Choose a photo').setInputFiles(queryImage);
    await results.first().waitFor({ timeout: 30_000 });
    await shoot('similar');
  });

  it('asked nothing of any host but the gateway and the thumbnail host, and broke no rule', () => {
    expect(session.foreignRequests).toEqual([]);
    expect(session.problems).toEqual([]);
  });
});
