import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Runs the built `npm run load` script (dist/, built by the Jest global setup) as a real process. */

const root = path.resolve(__dirname, '..', '..');
export const loadScript = path.join(root, 'dist', 'scripts', 'load.js');

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runLoadScript(args: string[], env: Record<string, string> = {}): Promise<ScriptRun> {
  if (!fs.existsSync(loadScript)) throw new Error(`${loadScript} is missing: the Jest global setup builds it (tsc -p tsconfig.build.json)`);
  return new Promise((resolve) => {
    execFile(process.execPath, [loadScript, ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** `file:line` of each malformed row the summary lists, with the file reduced to its name. */
export function reportedRejects(stdout: string): string[] {
  return [...stdout.matchAll(/^ {2}(\S+):(\d+) {2}/gm)].map((m) => `${path.basename(m[1])}:${m[2]}`).sort();
}

export function summaryCount(stdout: string, table: string): number {
  const match = new RegExp(`^ {2}${table} +(\\d+)$`, 'm').exec(stdout);
  if (!match) throw new Error(`No ${table} count in:\n${stdout}`);
  return Number(match[1]);
}
