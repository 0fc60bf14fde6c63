import http from 'node:http';
import { hostMatcher } from '../../src/http/allowedHosts';
import { startGateway, type RunningGateway } from '../support/startGateway';

/** Issue 16: DNS rebinding (ALLOWED_HOSTS) and who may read /metrics. */

/** fetch() will not send a Host header of our choosing; node:http will. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

const origin = (gw: RunningGateway) => new URL(gw.url).origin;

describe('ALLOWED_HOSTS', () => {
  let gw: RunningGateway;
  beforeAll(async () => {
    gw = await startGateway({ ALLOWED_HOSTS: 'api.example.com, *.internal.example, 127.0.0.1' });
  });
  afterAll(() => gw?.close());

  it('answers 421 MISDIRECTED_REQUEST for a host it does not list, on every path but the probes', async () => {
    for (const path of ['/graphql', '/', '/metrics', '/nope']) {
      const answer = await get(`${origin(gw)}${path}`, { host: 'rebind.attacker.example' });
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('MISDIRECTED_REQUEST');
    }
    expect((await get(`${origin(gw)}/healthz`, { host: '10.0.0.7:4000' })).status).toBe(200);
    expect((await get(`${origin(gw)}/readyz`, { host: '10.0.0.7:4000' })).status).toBe(200);
  });

  it('serves the hosts it lists, with any port, and subdomains of a wildcard', async () => {
    const query = `${origin(gw)}/graphql?query=${encodeURIComponent('{ __typename }')}`;
    for (const host of ['api.example.com', 'API.example.com:443', 'a.internal.example', 'b.c.internal.example:4000', new URL(gw.url).host]) {
      expect([host, (await get(query, { host, 'apollo-require-preflight': '1' })).status]).toEqual([host, 200]);
    }
    expect((await get(query, { host: 'internal.example', 'apollo-require-preflight': '1' })).status).toBe(421);
  });

  it('matches names, ports and wildcards exactly', () => {
    const matches = hostMatcher(['api.example.com:8443', '*.example.org', '[::1]']);
    expect(matches('api.example.com:8443')).toBe(true);
    expect(matches('api.example.com')).toBe(false);
    expect(matches('api.example.com:443')).toBe(false);
    expect(matches('x.example.org')).toBe(true);
    expect(matches('example.org')).toBe(false);
    expect(matches('evilexample.org')).toBe(false);
    expect(matches('[::1]:4000')).toBe(true);
    expect(matches('')).toBe(false);
  });
});

describe('/metrics', () => {
  it('is open in development, and any host is served when ALLOWED_HOSTS is unset', async () => {
    const gw = await startGateway({});
    try {
      const answer = await get(`${origin(gw)}/metrics`, { host: 'whatever.example' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/gateway_/);
    } finally {
      await gw.close();
    }
  });

  it('in production needs METRICS_TOKEN as a bearer token (401 with WWW-Authenticate otherwise)', async () => {
    const gw = await startGateway({ NODE_ENV: 'production', METRICS_TOKEN: 's3cret-token' });
    try {
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret-token-longer', 'Basic czNjcmV0LXRva2Vu']) {
        const answer = await get(`${origin(gw)}/metrics`, authorization ? { authorization } : {});
        expect(answer.status).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      const ok = await get(`${origin(gw)}/metrics`, { authorization: 'Bearer s3cret-token' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/gateway_/);
    } finally {
      await gw.close();
    }
  });

  it('in production without a token is not on the main port; METRICS_PORT serves it (and only it) on a second listener', async () => {
    const gw = await startGateway({ NODE_ENV: 'production', METRICS_PORT: '0' });
    try {
      expect((await get(`${origin(gw)}/metrics`)).status).toBe(404);
      const port = gw.gateway.metricsPort!;
      expect(port).toBeGreaterThan(0);
      const answer = await get(`http://127.0.0.1:${port}/metrics`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(/gateway_/);
      expect((await get(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    } finally {
      await gw.close();
    }
    expect(gw.gateway.metricsPort).toBeUndefined();
  });
});
