import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { EXPLORER_DIST } from '../support/explorerBuild';
import { PHOTOS_DIR } from '../support/sharedData';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { CHROMIUM_ARGS, findChromium } from './findChromium';

export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'explorer');
export const executablePath = findChromium();

/**
 * A stand-in for the image host (IMAGE_URL_TEMPLATE points here): ids ending in 0-b get a real photo,
 * the others 404, so the page shows both pictures and placeholders, and the CSP's image host is tested.
 * Without ../shared (suites that need no Open Images data), the photo is a plain grey square.
 */
async function startThumbnailHost(): Promise<{ origin: string; close(): Promise<void> }> {
  const file = path.join(PHOTOS_DIR, 'chelsea.png');
  const photo = fs.existsSync(file)
    ? fs.readFileSync(file)
    : await sharp({ create: { width: 64, height: 64, channels: 3, background: '#8a8f98' } })
        .png()
        .toBuffer();
  const server = http.createServer((req, res) => {
    const id = /^\/images\/([0-9a-f]+)\.jpg$/.exec(req.url ?? '')?.[1];
    if (id && id[id.length - 1] < 'c') res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'max-age=60' }).end(photo);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** desktop: 1280x800 with a mouse; phone: 390x844, touch, as a phone's Chromium reports itself. */
export type Device = 'desktop' | 'phone';

const DEVICES: Record<Device, { viewport: { width: number; height: number }; isMobile: boolean; hasTouch: boolean; deviceScaleFactor: number }> = {
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
};

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

export interface ExplorerSession {
  device: Device;
  gw: RunningGateway;
  /** The gateway's origin, where the explorer is served. */
  origin: string;
  thumbnailOrigin: string;
  page: Page;
  /** A temporary folder for the test's own files, removed by close(). */
  tempDir: string;
  /** HTTP errors from the gateway, page errors, console errors, unlabelled controls. */
  problems: string[];
  /** Requests to any host but the gateway and the thumbnail host. */
  foreignRequests: string[];
  thumbnailRequests: string[];
  /** Full-page screenshot into test-artifacts/explorer/<name>.png (<name>-phone.png on a phone), once thumbnails have settled; checks control labels. */
  shoot(name: string): Promise<void>;
  /**
   * Runs axe-core (WCAG 2 A/AA and best-practice rules) on the page as it is; every serious or critical
   * violation is added to `problems` (named after `name`) and all of them are returned.
   */
  checkAccessibility(name: string): Promise<AxeFinding[]>;
  close(): Promise<void>;
}

/**
 * A gateway configured by `env(tempDir)` with IMAGE_URL_TEMPLATE on a loopback stand-in, and Debian's
 * chromium on it, recording every request and every problem the page shows.
 */
export async function openExplorer(
  env: (tempDir: string) => Promise<Record<string, string>> | Record<string, string>,
  { device = 'desktop' }: { device?: Device } = {},
): Promise<ExplorerSession> {
  if (!executablePath) throw new Error('chromium is not installed (CI must install it: see .ci/run)');
  if (!fs.existsSync(path.join(EXPLORER_DIST, 'index.html'))) throw new Error('dist/web is not built: test/globalSetup.ts builds it (npm run build:web)');
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-'));
  const thumbs = await startThumbnailHost();
  const gw = await startGateway({ INFERENCE_WORKERS: '1', IMAGE_URL_TEMPLATE: `${thumbs.origin}/images/{id}.jpg`, ...(await env(tempDir)) });
  return openBrowser({ gw, thumbs, tempDir, device, owned: true });
}

/**
 * A second browser on the gateway of `session` (e.g. a phone beside a desktop): one gateway start fewer.
 * Its close() closes only its browser; the gateway goes with `session`, which must be closed after it.
 */
export async function openAnotherDevice(session: ExplorerSession, device: Device): Promise<ExplorerSession> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'explorer-'));
  return openBrowser({ gw: session.gw, thumbs: { origin: session.thumbnailOrigin, close: async () => undefined }, tempDir, device, owned: false });
}

async function openBrowser({
  gw,
  thumbs,
  tempDir,
  device,
  owned,
}: {
  gw: RunningGateway;
  thumbs: { origin: string; close(): Promise<void> };
  tempDir: string;
  device: Device;
  owned: boolean;
}): Promise<ExplorerSession> {
  const origin = new URL(gw.url).origin;
  const context: BrowserContext = await chromium.launchPersistentContext(path.join(tempDir, 'chromium'), {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...DEVICES[device],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const session: ExplorerSession = {
    device,
    gw,
    origin,
    thumbnailOrigin: thumbs.origin,
    page,
    tempDir,
    problems: [],
    foreignRequests: [],
    thumbnailRequests: [],
    async shoot(name) {
      await page.waitForFunction(() => document.querySelectorAll('.thumb-loading').length === 0, undefined, { timeout: 10_000 }).catch(() => undefined);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}${device === 'phone' ? '-phone' : ''}.png`), fullPage: true });
      // Screen readers name every control: a <label>, aria-label or aria-labelledby.
      const unlabelled = await page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLInputElement>('input, select, textarea'))
          .filter((control) => control.labels?.length === 0 && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby'))
          .map((control) => control.outerHTML.slice(0, 120)),
      );
      for (const control of unlabelled) session.problems.push(`unlabelled control on ${name}: ${control}`);
    },
    async checkAccessibility(name) {
      // Injected as a string through the DevTools protocol, so the page's CSP (no inline script) stays on.
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
      const findings = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact?: string; help: string; nodes: { target: unknown[] }[] }[] }> };
          }
        ).axe;
        const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.slice(0, 5).map((n) => String(n.target)) }));
      });
      for (const finding of findings) {
        if (finding.impact === 'serious' || finding.impact === 'critical') {
          session.problems.push(`accessibility (${device}) on ${name}: ${finding.impact} ${finding.id} (${finding.help}) at ${finding.targets.join(' | ')}`);
        }
      }
      return findings;
    },
    async close() {
      await context.close();
      if (owned) {
        await gw.close();
        await thumbs.close();
      }
      fs.rmSync(tempDir, { recursive: true, force: true });
    },
  };
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.origin === origin) return;
    if (url.origin === thumbs.origin && url.pathname.startsWith('/images/')) session.thumbnailRequests.push(request.url());
    else session.foreignRequests.push(request.url());
  });
  page.on('response', async (response) => {
    if (response.status() >= 400 && new URL(response.url()).origin === origin) {
      session.problems.push(`HTTP ${response.status()} ${response.url()}: ${(await response.text().catch(() => '')).slice(0, 300)}`);
    }
  });
  page.on('pageerror', (error) => session.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // The thumbnail host's 404s (unknown ids) are expected: the page shows placeholders for them.
    if (message.type() === 'error' && !message.location().url.startsWith(thumbs.origin)) session.problems.push(`console error: ${message.text()}`);
  });
  return session;
}
