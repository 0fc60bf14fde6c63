/** Timing of repeated calls, summarised as percentiles, and a plain-text table of the results. */

export interface LatencySummary {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  /** CPU time of this process (all threads) per call: what the call costs, whatever else runs on the machine. */
  cpuP50: number;
  cpuP95: number;
  /** The target p95 in ms, when the query type has one. */
  targetP95?: number;
}

export interface TimedCall {
  name: string;
  targetP95?: number;
  call: (i: number) => Promise<unknown>;
}

/**
 * Runs every call `runs` times, one call at a time, after `warmup` untimed rounds. Rounds go through
 * all calls in turn, so that a burst of load from elsewhere on the machine hits every query type
 * alike instead of spoiling one of them.
 */
export async function measureInterleaved(calls: TimedCall[], runs: number, warmup = 10): Promise<LatencySummary[]> {
  for (let i = 0; i < warmup; i += 1) for (const c of calls) await c.call(runs + i);
  const wall = calls.map(() => [] as number[]);
  const cpu = calls.map(() => [] as number[]);
  for (let i = 0; i < runs; i += 1) {
    for (const [k, c] of calls.entries()) {
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      await c.call(i);
      wall[k].push(Number(process.hrtime.bigint() - started) / 1e6);
      const used = process.cpuUsage(cpuBefore);
      cpu[k].push((used.user + used.system) / 1000);
    }
  }
  const percentile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  };
  return calls.map((c, k) => ({
    name: c.name,
    runs,
    p50: percentile(wall[k], 0.5),
    p95: percentile(wall[k], 0.95),
    max: Math.max(...wall[k]),
    cpuP50: percentile(cpu[k], 0.5),
    cpuP95: percentile(cpu[k], 0.95),
    targetP95: c.targetP95,
  }));
}

export function formatTable(rows: LatencySummary[]): string {
  const header = ['query', 'runs', 'p50 ms', 'p95 ms', 'max ms', 'cpu p50', 'cpu p95', 'p95 target'];
  const cells = rows.map((r) => [
    r.name,
    String(r.runs),
    r.p50.toFixed(1),
    r.p95.toFixed(1),
    r.max.toFixed(1),
    r.cpuP50.toFixed(1),
    r.cpuP95.toFixed(1),
    r.targetP95 === undefined ? '' : `< ${r.targetP95} ${r.p95 < r.targetP95 ? 'ok' : 'MISSED'}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
