import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicAddress } from '../../src/http/publicAddress';
import { safeFetch, SafeFetchError, type SafeFetchOptions } from '../../src/http/safeFetch';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '192.0.2.7',
    '::',
    '::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    'fe80::1',
    'fe80::1%eth0',
    'fd00::1',
    'fc00::1',
    'ff02::1',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    '2001:db8::1',
    '2001:0:4136:e378::1',
    '[::1]',
    'localhost',
    'not an address',
    '',
  ])('%s is not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2a00:1450:4001:82a::200e',
    '64:ff9b::808:808',
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function listen(handler: Handler, host = '127.0.0.1') {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.headers.host}${request.url}`);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('safeFetch', () => {
  const servers: Array<{ close(): Promise<unknown> }> = [];
  const serve = async (handler: Handler, host?: string) => {
    const server = await listen(handler, host);
    servers.push(server);
    return server;
  };
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  /** Stands in for a public host: tests cannot reach one, so `public.example` resolves to the loopback address allowed here. */
  const asIfPublic: Partial<SafeFetchOptions> = {
    resolve: async (hostname) => [{ address: hostname === 'public.example' ? '127.0.0.1' : '127.0.0.2', family: 4 }],
    allowAddress: (address) => address === '127.0.0.1',
  };
  const fetchAs = (url: string, options: Partial<SafeFetchOptions> = {}) => safeFetch(url, { timeoutMs: 2000, maxBytes: 1000, ...options });
  const refused = (reason: string) => expect.objectContaining({ name: 'SafeFetchError', reason });

  it('never connects to loopback by default: an IP literal, localhost and a name resolving to a private address', async () => {
    const internal = await serve((_request, response) => response.end('secret'));
    await expect(fetchAs(`http://127.0.0.1:${internal.port}/admin.png`)).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`http://[::ffff:127.0.0.1]:${internal.port}/admin.png`)).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`http://localhost:${internal.port}/admin.png`)).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`http://images.example:${internal.port}/x.png`, { resolve: async () => [{ address: '10.0.0.8', family: 4 }] })).rejects.toEqual(refused('refused'));
    // A name that answers with one public and one loopback address is refused too.
    await expect(
      fetchAs(`http://images.example:${internal.port}/x.png`, {
        resolve: async () => [
          { address: '8.8.8.8', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ],
      }),
    ).rejects.toEqual(refused('refused'));
    expect(internal.requests).toEqual([]);
  });

  it('connects to the address it checked, and only for URLs the allow hook passes', async () => {
    const web = await serve((_request, response) => response.end('image bytes'));
    const body = await fetchAs(`http://public.example:${web.port}/a.png`, asIfPublic);
    expect(body.toString()).toBe('image bytes');
    expect(web.requests).toEqual([`public.example:${web.port}/a.png`]);
    await expect(fetchAs(`http://public.example:${web.port}/b.png`, { ...asIfPublic, allowUrl: () => false })).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`file:///etc/passwd`, asIfPublic)).rejects.toEqual(refused('refused'));
    expect(web.requests).toHaveLength(1);
  });

  it('checks every redirect: to loopback, to a private name, to a host the hook refuses; and stops after a few', async () => {
    const internal = await serve((_request, response) => response.end('secret'), '127.0.0.2');
    let hops = 0;
    const web = await serve((request, response) => {
      const targets: Record<string, string> = {
        '/to-literal': `http://127.0.0.2:${internal.port}/admin`,
        '/to-name': `http://internal.example:${internal.port}/admin`,
        '/to-other-host': `http://elsewhere.example:${internal.port}/x`,
        '/loop': `/loop?${hops++}`,
        '/relative': '/final.png',
      };
      const target = targets[new URL(request.url!, 'http://x').pathname];
      if (target) response.writeHead(302, { location: target }).end();
      else response.end('final');
    });
    const base = `http://public.example:${web.port}`;
    await expect(fetchAs(`${base}/to-literal`, asIfPublic)).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`${base}/to-name`, asIfPublic)).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`${base}/to-other-host`, { ...asIfPublic, allowUrl: (url) => url.hostname === 'public.example' })).rejects.toEqual(refused('refused'));
    await expect(fetchAs(`${base}/loop`, asIfPublic)).rejects.toEqual(refused('redirects'));
    expect((await fetchAs(`${base}/relative`, asIfPublic)).toString()).toBe('final');
    expect(internal.requests).toEqual([]);
  });

  it('one deadline covers a server that never answers and a body that trickles', async () => {
    const silent = await serve(() => undefined);
    const trickle = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      const timer = setInterval(() => response.write('x'), 50);
      response.on('close', () => clearInterval(timer));
    });
    for (const port of [silent.port, trickle.port]) {
      const started = Date.now();
      const failure = await fetchAs(`http://public.example:${port}/slow.png`, { ...asIfPublic, timeoutMs: 400, maxBytes: 10_000 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SafeFetchError);
      expect(failure).toMatchObject({ reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('caps the size while the body streams, with or without a Content-Length', async () => {
    const big = await serve((request, response) => {
      if (request.url === '/declared') return void response.writeHead(200, { 'content-length': 5000 }).end('y'.repeat(5000));
      response.writeHead(200);
      for (let i = 0; i < 50; i++) response.write('z'.repeat(100));
      response.end();
    });
    await expect(fetchAs(`http://public.example:${big.port}/declared`, asIfPublic)).rejects.toEqual(refused('too-large'));
    await expect(fetchAs(`http://public.example:${big.port}/chunked`, asIfPublic)).rejects.toEqual(refused('too-large'));
    await expect(fetchAs(`http://public.example:${big.port}/chunked`, { ...asIfPublic, maxBytes: 5000 })).resolves.toHaveLength(5000);
  });

  it('reports an HTTP error status with its code', async () => {
    const missing = await serve((_request, response) => response.writeHead(404).end());
    await expect(fetchAs(`http://public.example:${missing.port}/gone.png`, asIfPublic)).rejects.toMatchObject({ reason: 'status', status: 404 });
  });
});
