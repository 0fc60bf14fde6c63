import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { EXAMPLE_TABS } from '../../src/playground/exampleTabs.generated';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { temporaryDir, writeColourFolders } from '../training/support/images';
import { CHROMIUM_ARGS, findChromium } from './findChromium';

const executablePath = findChromium();
if (!executablePath && !process.env.CI) {
  console.warn('SKIPPED: playground subscription browser test — no chromium found (apt-get install -y chromium, or set CHROMIUM_PATH).');
}
const describeBrowser = executablePath || process.env.CI ? describe : describe.skip;

const SUBSCRIPTION = EXAMPLE_TABS.map((tab) => tab.query).find((query) => query.includes('subscription TrainingJobEvents'))!;

/** The playground runs the example subscription over SSE in a real browser and shows the events to the end. */
describeBrowser('GraphiQL playground: trainingJobEvents subscription in chromium', () => {
  let gw: RunningGateway;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const root = temporaryDir('playground-sse-');

  beforeAll(async () => {
    if (!executablePath) throw new Error('chromium is not installed (CI must install it: see .ci/run)');
    await writeColourFolders(path.join(root, 'data', 'flowers'), 4);
    gw = await startGateway({ TRAINING_DATA_ROOT: path.join(root, 'data'), MODELS_DIR: path.join(root, 'models'), INFERENCE_WORKERS: '1' });
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playground-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await gw?.close();
  });

  it('runs the example subscription and shows the events as they come, ending with the evaluation', async () => {
    const { body } = await gw.graphql('mutation { trainModel(input: { modelId: "flowers", data: "flowers", epochs: 3, batchSize: 4, testFraction: 0.34 }) { id } }');
    const id = body.data.trainModel.id;
    const params = new URLSearchParams({ query: SUBSCRIPTION, variables: JSON.stringify({ id }), operationName: 'TrainingJobEvents' });
    await page.goto(`${gw.url}?${params}`);
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByRole('button', { name: /execute query/i }).click();

    const shown = async () =>
      page.evaluate(() => (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '');
    const seen = new Set<string>();
    const deadline = Date.now() + 100_000;
    for (;;) {
      const text = await shown();
      if (text.startsWith('{')) {
        const event = JSON.parse(text).data?.trainingJobEvents;
        if (event) seen.add(event.kind);
        if (event?.job.status === 'SUCCEEDED' || JSON.parse(text).errors || Date.now() > deadline) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const last = JSON.parse(await shown());
    expect(last.errors).toBeUndefined();
    expect(last.data.trainingJobEvents).toMatchObject({ kind: 'STATUS', job: { status: 'SUCCEEDED', progress: 1, evaluation: { accuracy: expect.any(Number) } } });
    // Polled, so not every event is seen, but more than the last one is: they were shown live.
    expect(seen.size).toBeGreaterThan(1);
    expect(problems).toEqual([]);
  });
});
