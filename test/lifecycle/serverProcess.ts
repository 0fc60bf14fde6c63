import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/paths';

const ROOT = projectRoot();
const ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** Builds dist/ (as `npm run build` does) when the entry point is missing or older than a source file. */
export function ensureBuilt(): void {
  const built = fs.existsSync(ENTRY) ? fs.statSync(ENTRY).mtimeMs : 0;
  if (built >= Math.max(newestSource(path.join(ROOT, 'src')), newestSource(path.join(ROOT, 'resolvers')))) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // Type errors still emit JavaScript; only a missing entry point is fatal.
  }
  if (!fs.existsSync(ENTRY)) throw new Error(`the build did not produce ${ENTRY}`);
}

export type LogLine = Record<string, unknown> & { msg?: string };

export interface ServerProcess {
  child: ChildProcess;
  /** The GraphQL endpoint, from the 'gateway ready at …' line. */
  url: string;
  origin: string;
  /** Every stdout line, parsed; `raw` keeps the text (a line that is not JSON fails `expectJsonLines`). */
  logs: LogLine[];
  raw: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  stop(): Promise<void>;
}

/** Starts `node dist/src/main.js` on an ephemeral loopback port and waits until it says it is ready. */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      METADATA_SERVER_DETECTION: 'none',
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      INFERENCE_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const raw: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      raw.push(line);
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsable: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': it comes after stdout is drained, so the last log lines are in.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    }),
  );

  // Generous: a wait, not a timing assertion; a loaded machine starts a gateway slowly.
  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 90_000) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (found) return finish(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          finish(() =>
            reject(
              new Error(
                `gateway exited (${child.exitCode ?? child.signalCode}) before the expected log line; stderr: ${stderr.slice(-2000)}; last logs: ${raw.slice(-5).join('\n')}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no such log line within ${timeoutMs} ms; last logs: ${raw.slice(-5).join('\n')}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  const ready = await waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('gateway ready at '));
  const url = String(ready.url ?? String(ready.msg).slice('gateway ready at '.length));
  return {
    child,
    url,
    origin: new URL(url).origin,
    logs,
    raw,
    exited,
    waitForLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
