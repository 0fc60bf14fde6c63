import net from 'node:net';
import { processStats } from '../support/gatewayProcess';
import { post, SMALL, withGateway, type Result } from '../support/hardeningHarness';

/** Case 4: uploads that stall mid-body, and the gateway's memory while they hang. */
/** One connection that sends `files` files of `fileBytes` and never sends the last one. */
function stallingUpload(url: string, files: number, fileBytes: number): { socket: net.Socket; sent: Promise<void> } {
  const { hostname, port, pathname } = new URL(url);
  const boundary = 'bench-boundary';
  const part = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const fileHead = (i: number) => `--${boundary}\r\ncontent-disposition: form-data; name="f${i}"; filename="f${i}.png"\r\ncontent-type: image/png\r\n\r\n`;
  const count = files + 1;
  const operations = JSON.stringify({ query: 'mutation($files: [Upload!]!) { classify(files: $files) { filename } }', variables: { files: Array(count).fill(null) } });
  const map = JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}`, [`variables.files.${i}`]])));
  const total = part('operations', operations).length + part('map', map).length + count * (fileHead(0).length + fileBytes + 2) + boundary.length + 6;
  const socket = net.connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const chunk = Buffer.alloc(fileBytes, 1);
  const sent = new Promise<void>((resolve) => {
    socket.once('connect', async () => {
      const write = (data: string | Buffer) => new Promise<void>((done) => (socket.write(data) ? done() : socket.once('drain', () => done())));
      await write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: ${total}\r\napollo-require-preflight: true\r\n\r\n`,
      );
      await write(part('operations', operations) + part('map', map));
      for (let i = 0; i < files && !socket.destroyed; i++) {
        await write(fileHead(i));
        await write(chunk);
        await write('\r\n');
      }
      resolve();
    });
    socket.once('close', () => resolve());
  });
  return { socket, sent };
}

export async function case4(stalled: number): Promise<Result> {
  return withGateway({ MALLOC_ARENA_MAX: '2' }, async (gw) => {
    await post(gw.url, { query: SMALL });
    const mb = () => Math.round(processStats(gw.pid).rssBytes / 1024 / 1024);
    const before = mb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, mb())), 100);
    const uploads = Array.from({ length: stalled }, () => stallingUpload(gw.url, 15, 10 * 1024 * 1024));
    await Promise.race([Promise.all(uploads.map((u) => u.sent)), new Promise((r) => setTimeout(r, 180_000))]);
    await new Promise((r) => setTimeout(r, 20_000)); // past BODY_IDLE_TIMEOUT_MS (15 s)
    const whileStalled = mb();
    const closedByServer = uploads.filter((u) => u.socket.destroyed).length;
    for (const u of uploads) u.socket.destroy();
    // Some ordinary traffic afterwards, as a server would see (it lets the collector run).
    let small = 0;
    for (let i = 0; i < 20; i++) {
      small = (await post(gw.url, { query: SMALL })).status;
      await new Promise((r) => setTimeout(r, 1000));
    }
    clearInterval(sampler);
    return {
      stalledConnections: stalled,
      rssBeforeMb: before,
      rssWhileStalledMb: whileStalled,
      rssPeakMb: peak,
      rssAfter20sMb: mb(),
      closedByServerBeforeClientLeft: closedByServer,
      smallQueryAfter: small,
    };
  });
}
