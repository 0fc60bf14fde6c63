import net from 'node:net';
import { post, SMALL, withGateway, type Result } from '../support/hardeningHarness';

/** Case "slow": connections that trickle their headers or bodies, and normal queries meanwhile. */
export async function caseSlow(): Promise<Result> {
  return withGateway({}, async (gw) => {
    const { hostname, port } = new URL(gw.url);
    const open = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const socket = net.connect(Number(port), hostname, () => resolve(socket));
        socket.on('error', () => undefined);
      });
    const baseline: number[] = [];
    for (let i = 0; i < 20; i++) baseline.push((await post(gw.url, { query: SMALL })).ms);
    const heads = await Promise.all(Array.from({ length: 200 }, open));
    const bodies = await Promise.all(Array.from({ length: 20 }, open));
    const started = performance.now();
    for (const s of bodies) s.write(`POST /graphql HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"query":`);
    let i = 0;
    const trickle = setInterval(() => {
      for (const s of heads) if (!s.destroyed) s.write(i === 0 ? 'POST /graphql HTTP/1.1\r\n' : 'x');
      for (const s of bodies) if (!s.destroyed && i % 50 === 49) s.write(' '); // a byte every 10 s
      i++;
    }, 200);
    const closedAt = new Map<net.Socket, number>();
    for (const s of [...heads, ...bodies]) s.once('close', () => closedAt.set(s, performance.now() - started));
    const during: number[] = [];
    const deadline = performance.now() + 150_000;
    while (closedAt.size < heads.length + bodies.length && performance.now() < deadline) {
      during.push((await post(gw.url, { query: SMALL })).ms);
      await new Promise((r) => setTimeout(r, 250));
    }
    clearInterval(trickle);
    for (const s of [...heads, ...bodies]) s.destroy();
    const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    const lastHead = Math.max(0, ...heads.map((s) => closedAt.get(s) ?? Infinity));
    const lastBody = Math.max(0, ...bodies.map((s) => closedAt.get(s) ?? Infinity));
    return {
      headersClosedWithinS: Number.isFinite(lastHead) ? Math.round(lastHead / 100) / 10 : `${heads.filter((s) => !closedAt.has(s)).length} still open after 150 s`,
      bodiesClosedWithinS: Number.isFinite(lastBody) ? Math.round(lastBody / 100) / 10 : `${bodies.filter((s) => !closedAt.has(s)).length} still open after 150 s`,
      smallQueryP50BeforeMs: p50(baseline),
      smallQueryP50DuringMs: p50(during),
    };
  });
}
