import fs from 'node:fs';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { DEFAULT_BACKBONE } from '../../src/backbone/loadBackbone';
import { embedFolder } from '../../src/embeddings/embedFolder';
import { hasSharedData, noticeSkipped, OPEN_IMAGES_DIR } from '../support/sharedData';
import { colourImage, writeColourFolders } from '../training/support/images';
import { executablePath, openExplorer, type ExplorerSession } from './explorerHarness';

const runnable = !!executablePath && hasSharedData;
if (!hasSharedData) noticeSkipped('explorer training browser test (needs the Open Images data)');
const describeBrowser = runnable || (process.env.CI && hasSharedData) ? describe : describe.skip;

/** Real Open Images ids (of the shared data): embedded images named after them link to their detail pages. */
const IMAGE_IDS = ['000062a39995e348', '0000c64e1253d68f', '00094d5e8b3cb038'];

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

  it('Training: a job that cannot train fails with its reason; a real one is followed live to the end', async () => {
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
    await page.getByLabel('Folder under the training root').fill('one-class');
    await page.getByLabel('Epochs').fill('2');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.waitForURL(/job=/);
    const job = page.locator('.job');
    await job.getByText('FAILED', { exact: true }).waitFor({ timeout: 30_000 });
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
    await job.getByText('SUCCEEDED', { exact: true }).waitFor({ timeout: 150_000 });
    // Followed through the stream, not by polling: the log holds what only events carry (every epoch,
    // the status changes up to SUCCEEDED with the test accuracy), and each stream carried the CSRF header.
    const events = job.getByRole('list', { name: 'Job events' }).locator(':scope > li');
    await events.filter({ hasText: /status SUCCEEDED: test accuracy/ }).waitFor();
    expect(await events.filter({ hasText: /epoch \d+ \/ \d+ \((head|refit on every photo)\): loss \d/ }).count()).toBeGreaterThan(0);
    expect(streams.length).toBeGreaterThan(0);
    // One read of each job when it is opened; polling would have read it every second.
    expect(jobReads).toBeLessThanOrEqual(2);
    for (const stream of streams) expect(stream.requestHeaders['apollo-require-preflight']).toBe('true');
    await shoot('training');
    await job.getByRole('link', { name: 'See the evaluation' }).click();
    await page.waitForURL(/\/models\?model=colours$/);
    await page.getByRole('heading', { name: 'Evaluation on the TEST split' }).waitFor();
    const heatmap = page.getByRole('table', { name: /Confusion matrix/ });
    await expect(heatmap.locator('tbody tr').count()).resolves.toBe(3);
    await expect(heatmap.locator('thead th').allTextContents()).resolves.toEqual(['true ↓ / predicted →', 'blue', 'green', 'red']);
    await shoot('models-evaluation');
  }, 240_000);

  it('Training: when the event stream is refused (503 OVERLOADED), the page falls back to polling the job to the end', async () => {
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
      await page.getByLabel('Model id').fill('colours-polled');
      await page.getByLabel('Folder under the training root').fill('colours');
      await page.getByLabel('Epochs').fill('3');
      await page.getByRole('button', { name: 'Start training' }).click();
      await page.waitForURL(/job=/);
      const job = page.locator('.job');
      await job.getByText('SUCCEEDED', { exact: true }).waitFor({ timeout: 60_000 });
      page.off('request', countReads);
      await job.getByText(/Done: accuracy \d/).waitFor();
      expect(refused.length).toBeGreaterThan(0);
      expect(jobReads).toBeGreaterThan(1);
      await expect(job.getByRole('list', { name: 'Job events' }).count()).resolves.toBe(0);
    } finally {
      await page.unroute('**/graphql');
      // The refusals were this test's own doing, not the page's.
      session.problems = session.problems.filter((problem) => !/\b503\b/.test(problem));
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
