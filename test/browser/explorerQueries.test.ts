import path from 'node:path';
import type { Page } from 'playwright-core';
import { hasSharedData, noticeSkipped, OPEN_IMAGES_DIR } from '../support/sharedData';
import { ARTIFACTS, executablePath, openExplorer, type ExplorerSession } from './explorerHarness';

const runnable = !!executablePath && hasSharedData;

if (!executablePath && !process.env.CI) {
  console.warn('SKIPPED: explorer queries browser test — no chromium found (apt-get install -y chromium, or set CHROMIUM_PATH).');
}
if (!hasSharedData) noticeSkipped('explorer queries browser test (needs the Open Images data)');
// In CI a missing browser is a broken setup (.ci/run installs it), so the suite runs and fails.
const describeBrowser = runnable || (process.env.CI && hasSharedData) ? describe : describe.skip;

/** What the shell's live region last said (screen readers read it). */
const announced = (page: Page) => page.getByTestId('live-region');

/**
 * Issue #20 on Search, Relations, Label detection, Similar images and the link into GraphiQL, on one
 * gateway with the shared metadata and no Vision, embeddings or model (what "not available" is shown for).
 */
describeBrowser('explorer queries in chromium: only listed classes, contains-suggestions, capabilities, Open in GraphiQL', () => {
  let session: ExplorerSession;
  let page: Page;
  let origin: string;

  beforeAll(async () => {
    session = await openExplorer(() => ({ DATA_DIR: OPEN_IMAGES_DIR }));
    ({ page, origin } = session);
  }, 120_000);

  afterAll(() => session?.close());

  it('Search adds only listed classes: other text gets an announced hint, Enter takes the class named as typed', async () => {
    await page.goto(`${origin}/search`);
    const picker = page.getByRole('combobox', { name: 'Add a class' });
    await picker.fill('Xyzzy');
    await picker.press('Enter');
    await page.locator('.field-hint').getByText('No class named “Xyzzy”; try another name.').waitFor();
    await announced(page).getByText('No class named “Xyzzy”').waitFor();
    // "cup" is in several names but is none: the list stays open to pick from.
    await picker.fill('cup');
    await picker.press('Enter');
    await page.locator('.field-hint').getByText('No class named “cup”; pick one from the list.').waitFor();
    await page.getByRole('option', { name: /^Coffee cup \d/ }).waitFor();
    await expect(picker.getAttribute('aria-invalid')).resolves.toBe('true');
    expect(new URL(page.url()).search).toBe('');
    await session.shoot('search-not-a-class');
    await session.checkAccessibility('search-not-a-class');
    // Enter right after typing, before the suggestions came: the exact name (any case) is taken once they do.
    await picker.fill('coffee cup');
    await picker.press('Enter');
    await page.waitForURL(/class=Coffee\+cup$/);
    await page.getByRole('list', { name: 'Images' }).locator(':scope > li').first().waitFor();
    await announced(page)
      .getByText(/^[\d,]+ images found$/)
      .waitFor();
    await expect(picker.evaluate((input) => input === document.activeElement)).resolves.toBe(true);
    await session.checkAccessibility('search');
  });

  it('Search from a link with an unknown class names it and removes it, without the raw server error', async () => {
    await page.goto(`${origin}/search?class=Woman&class=Notaclass`);
    const alert = page.getByRole('alert');
    await alert.getByText('There is no class named “Notaclass”').waitFor();
    await expect(page.getByText('Something went wrong').count()).resolves.toBe(0);
    await session.shoot('search-unknown-class');
    await session.checkAccessibility('search-unknown-class');
    await alert.getByRole('button', { name: 'Remove “Notaclass”' }).click();
    await page.waitForURL(/\/search\?class=Woman$/);
    await page.getByRole('list', { name: 'Images' }).locator(':scope > li').first().waitFor();
  });

  it('Open in GraphiQL carries the page operation and variables, and the playground runs it as it is', async () => {
    await page.goto(`${origin}/search?class=Woman&class=Coffee+cup&match=ALL`);
    await page.getByRole('list', { name: 'Images' }).locator(':scope > li').first().waitFor();
    const link = page.getByRole('link', { name: 'Open in GraphiQL' });
    const href = new URL((await link.getAttribute('href'))!, origin);
    expect(href.pathname).toBe('/graphql');
    expect(href.searchParams.get('operationName')).toBe('ExplorerSearchImages');
    expect(href.searchParams.get('query')).toMatch(/^query ExplorerSearchImages\(/);
    expect(JSON.parse(href.searchParams.get('variables')!)).toEqual({ classes: ['Woman', 'Coffee cup'], match: 'ALL', first: 24, after: null });
    const expected = await session.gw.graphql(href.searchParams.get('query')!, JSON.parse(href.searchParams.get('variables')!));
    await link.click();
    await page.locator('.graphiql-tab').getByText('ExplorerSearchImages', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: /execute query/i }).click();
    const shown = await page.waitForFunction(() => {
      const text = (document.querySelector('.graphiql-response .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '';
      return text.startsWith('{') ? text : undefined;
    });
    expect(JSON.parse((await shown.jsonValue()) as string)).toEqual(expected.body);
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-from-search.png') });

    // The other pages of this file register theirs; an upload page says files cannot travel in a link.
    for (const [pagePath, operation] of [
      ['/relations?relation=holds', 'ExplorerSearchRelations'],
      ['/images/4c7a12ee5a5c9300', 'ExplorerImage'],
      ['/label-detection', 'ExplorerLabelDetection'],
      ['/similar', 'ExplorerSimilarImages'],
    ]) {
      await page.goto(`${origin}${pagePath}`);
      await page.waitForFunction((name) => document.querySelector('a.nav-api')?.getAttribute('href')?.includes(`operationName=${name}`), operation);
    }
    await expect(page.getByRole('link', { name: 'Open in GraphiQL' }).getAttribute('title')).resolves.toMatch(/Files cannot travel in a link/);
  });

  it('Relations: an exact name that finds nothing offers the contains-search with its count', async () => {
    await page.goto(`${origin}/relations`);
    await page.getByRole('list', { name: 'Relations' }).locator(':scope > li').first().waitFor();
    await page.getByLabel('Object').fill('cup');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/object=cup$/);
    const hint = page.getByRole('status').filter({ hasText: 'No relation has exactly “cup” as object' });
    const retry = hint.getByRole('button', { name: /^Show the [\d,]+ relations? containing %cup%$/ });
    await retry.waitFor();
    await announced(page)
      .getByText(/No relation has exactly “cup” as object; [\d,]+ contain it/)
      .waitFor();
    // The search moved the focus to its results, so Tab goes on from there.
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe('Results');
    const count = Number((await retry.textContent())!.match(/[\d,]+/)![0].replace(/,/g, ''));
    expect(count).toBeGreaterThan(0);
    await session.shoot('relations-contains-hint');
    await session.checkAccessibility('relations-contains-hint');
    await retry.click();
    await page.waitForURL(/object=%25cup%25/);
    const rows = page.getByRole('list', { name: 'Relations' }).locator(':scope > li');
    await rows.first().waitFor();
    await page.getByText(new RegExp(`of ${count.toLocaleString('en-US')}$`)).waitFor();
    await expect(rows.first().locator('.triple').textContent()).resolves.toMatch(/cup/i);
    await session.shoot('relations-contains');
    await session.checkAccessibility('relations');
  });

  it('Label detection and Similar images say on arrival that this gateway lacks them, with no upload offered', async () => {
    for (const [pagePath, title] of [
      ['/label-detection', 'Label detection is not available here'],
      ['/similar', 'Similar images are not available here'],
    ]) {
      await page.goto(`${origin}${pagePath}`);
      const notice = page.getByTestId('unavailable');
      await notice.getByText(title).waitFor();
      expect(((await notice.textContent()) ?? '').length).toBeGreaterThan(title.length + 10);
      await expect(page.locator('input[type=file]').count()).resolves.toBe(0);
      await session.shoot(`${pagePath.slice(1)}-on-arrival`);
      await session.checkAccessibility(pagePath.slice(1));
    }
  });

  it('asked nothing of other hosts, and broke no rule (HTTP, console, accessibility)', () => {
    expect(session.foreignRequests).toEqual([]);
    expect(session.problems).toEqual([]);
  });
});
