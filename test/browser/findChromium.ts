import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Debian's chromium (never a downloaded browser): CHROMIUM_PATH, /usr/bin/chromium, or `chromium` on PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'];
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim());
  } catch {
    // not on PATH
  }
  return candidates.find((file): file is string => !!file && fs.existsSync(file));
}

/** Flags that keep chromium quiet and self-contained without internet: no updates, sync, background requests or first-run UI. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
