import { processStats, startGatewayProcess, type GatewayProcess } from './gatewayProcess';

/** What the hardening bench's cases share: a JSON POST that never throws, a latency probe, a gateway per case. */
export const SMALL = 'query Small { relationTypes { name } }';

export type Result = Record<string, unknown>;

/** POSTs a GraphQL body; the answer's status, time, size and first error code (status 0 and the error's name when it fails). */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}, timeoutMs = 180_000) {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let code: unknown;
    try {
      code = JSON.parse(text).errors?.[0]?.extensions?.code;
    } catch {
      code = 'unparsable';
    }
    return { status: response.status, ms: Math.round(performance.now() - started), bytes: text.length, code, headers: response.headers };
  } catch (error) {
    return { status: 0, ms: Math.round(performance.now() - started), bytes: 0, code: (error as Error).name, headers: new Headers() };
  }
}

/** Polls `probe` every `everyMs` until `done` settles; returns the worst latency seen. */
export async function worstLatencyWhile(done: Promise<unknown>, probe: () => Promise<unknown>, everyMs = 100): Promise<number> {
  let finished = false;
  void done.finally(() => (finished = true));
  let worst = 0;
  while (!finished) {
    const started = performance.now();
    await probe().catch(() => undefined); // a refused or reset probe still counts its wait
    worst = Math.max(worst, performance.now() - started);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Math.round(worst);
}

export const cpuOf = (gw: GatewayProcess) => processStats(gw.pid).cpuSeconds;

/** A gateway of its own for one case (development mode unless `env` says otherwise), killed after it. */
export async function withGateway<T>(env: Record<string, string>, run: (gw: GatewayProcess) => Promise<T>): Promise<T> {
  const gw = await startGatewayProcess({ NODE_ENV: 'development', ...env });
  try {
    return await run(gw);
  } finally {
    gw.child.kill('SIGKILL'); // a frozen gateway would not drain
    await new Promise((r) => setTimeout(r, 200));
  }
}
