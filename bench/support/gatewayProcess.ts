import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The built gateway (`node dist/src/main.js`) in its own process, so that the load generator never
 * shares its event loop or its CPU accounting. Resolves once it logs "gateway ready at …".
 */
export interface GatewayProcess {
  url: string;
  origin: string;
  child: ChildProcess;
  pid: number;
  /** Throws, saying how, if the gateway has exited (a crash, a kill from outside). */
  assertRunning(): void;
  stop(): Promise<void>;
}

/** In production /metrics needs a token: the benchmarks' gateways get this one. */
const BENCH_METRICS_TOKEN = 'bench-metrics-token';

export function startGatewayProcess(env: Record<string, string | undefined> = {}, startTimeoutMs = 120_000): Promise<GatewayProcess> {
  const main = path.join(__dirname, '..', '..', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { NODE_ENV: 'production', METRICS_TOKEN: BENCH_METRICS_TOKEN, ...process.env, LOG_LEVEL: 'info', ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway was not ready within ${startTimeoutMs} ms:\n${seen.slice(-2000)}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const ready = /"msg":"gateway ready at (http:[^"]+)"/.exec(seen);
      if (!ready) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep reading (and dropping) the request logs
      const url = ready[1];
      const assertRunning = () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the gateway (pid ${child.pid}) exited unexpectedly: ${child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`}`);
        }
      };
      resolve({ url, origin: new URL(url).origin, child, pid: child.pid!, assertRunning, stop: () => stopProcess(child) });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited (${code}) before it was ready:\n${seen.slice(-2000)}`));
    });
  });
}

/** SIGTERM (the gateway drains), SIGKILL if it is still there after 15 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident memory and CPU time (user + system, all threads) of a process, from /proc (Linux). */
export function processStats(pid: number): { rssBytes: number; cpuSeconds: number; threads: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssBytes: field('VmRSS') * 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100, threads: field('Threads') };
}

export type ThreadGroup = 'main' | 'inference' | 'libvips' | 'other';

/** CPU seconds of each thread of a process, by thread id, with its kind (Linux). */
export type ThreadSnapshot = Map<string, { group: ThreadGroup; cpuSeconds: number }>;

/**
 * The threads of a process and their CPU time: the main thread (HTTP, GraphQL, JS), the inference
 * workers (named "tfjs-inference" by inference.worker.ts), libvips' workers, and the rest (libuv's pool
 * where sharp runs, V8's GC and compiler threads).
 */
export function threadSnapshot(pid: number): ThreadSnapshot {
  const snapshot: ThreadSnapshot = new Map();
  let tids: string[];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return snapshot;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group: ThreadGroup = Number(tid) === pid ? 'main' : comm.startsWith('tfjs-inference') ? 'inference' : comm.startsWith('libvips') ? 'libvips' : 'other';
      snapshot.set(tid, { group, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // the thread ended meanwhile
    }
  }
  return snapshot;
}

/**
 * CPU seconds spent between two snapshots, by kind of thread. A thread that ended in between is
 * missing from `after` and left out (its last moments are lost, which slightly undercounts).
 */
export function threadCpuBetween(before: ThreadSnapshot, after: ThreadSnapshot): Record<ThreadGroup, number> {
  const groups: Record<ThreadGroup, number> = { main: 0, inference: 0, libvips: 0, other: 0 };
  for (const [tid, thread] of after) groups[thread.group] += thread.cpuSeconds - (before.get(tid)?.cpuSeconds ?? 0);
  return groups;
}

export function loadAverage(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/**
 * Linux pressure stall information: the share of the last 10 s in which some runnable task waited for
 * a CPU. Near 0 the machine had cores to spare; near 100% every measurement here is contended.
 */
export function cpuPressure(): string {
  try {
    const some = /^some avg10=([\d.]+)/m.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? `CPU pressure ${some[1]}%` : 'CPU pressure n/a';
  } catch {
    return 'CPU pressure n/a';
  }
}

/** The gateway's Prometheus text, as `name{labels}` -> value (label order as the gateway writes it). */
export async function scrapeMetrics(origin: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** Sum of every series whose name (before any `{`) is `name`. */
export function metricSum(series: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [key, value] of series) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}
