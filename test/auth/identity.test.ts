import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { startGateway, type RunningGateway } from '../support/startGateway';
import { AUDIENCE, ISSUER, serveJwks, signingKey, token, unsignedToken, writeApiKeys, writeJwksFile, type SigningKey } from '../support/identityProvider';

const MODELS = '{ models { id } }';
const TRAIN = 'mutation { trainModel(input: { modelId: "m1", data: "nowhere" }) { id } }';

/** POSTs with headers and returns the status, the WWW-Authenticate header and the body. */
async function post(gw: RunningGateway, query: string, headers: Record<string, string>) {
  const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: (await response.json()) as any };
}

describe('identity: bearer JWTs from a JWKS endpoint, and API keys (production)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-'));
  let rsa: SigningKey;
  let ec: SigningKey;
  let stranger: SigningKey;
  let jwks: Awaited<ReturnType<typeof serveJwks>>;
  let gw: RunningGateway;
  let keys: Record<string, string>;

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([signingKey('rsa-1'), signingKey('ec-1', 'ES256'), signingKey('rsa-1')]);
    jwks = await serveJwks([rsa, ec]);
    const apiKeys = writeApiKeys(dir, { ingest: ['classify'], trainer: ['train'] });
    keys = apiKeys.keys;
    gw = await startGateway({
      NODE_ENV: 'production',
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      API_KEYS_FILE: apiKeys.file,
      TRAINING_DATA_ROOT: dir,
      MODELS_DIR: path.join(dir, 'models'),
    });
  });
  afterAll(async () => {
    await gw?.close();
    await jwks?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves anonymous callers their default scopes (read, classify) and refuses the rest with FORBIDDEN, doing nothing', async () => {
    const read = await post(gw, MODELS, {});
    expect(read.status).toBe(200);
    expect(read.body.errors).toBeUndefined();
    const train = await post(gw, TRAIN, {});
    expect(train.body.errors[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', requiredScopes: ['train'] },
      message: expect.stringMatching(/needs the `train` scope\. Anonymous callers have: classify, read/),
    });
    expect(train.body.data).toBeNull();
    expect((await post(gw, '{ trainingJobs { id } }', {})).body.data.trainingJobs).toEqual([]);
  });

  it('accepts RS256 and ES256 tokens, with scopes from `scope`, `scp` or `permissions`', async () => {
    for (const claims of [{ scope: 'read train' }, { scope: undefined, scp: ['train'] }, { scope: undefined, permissions: ['train', 'unrelated:thing'] }]) {
      for (const key of [rsa, ec]) {
        const { status, body } = await post(gw, TRAIN, { authorization: `Bearer ${await token(key, claims)}` });
        expect(status).toBe(200);
        // Authorised: the request reaches training, which refuses the missing folder.
        expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    }
  });

  it.each([
    ['expired', () => token(rsa, {}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ['from another issuer', () => token(rsa, { iss: 'https://evil.test/' }), /claims are not accepted \(iss\)/],
    ['for another audience', () => token(rsa, { aud: 'https://other-api.test' }), /claims are not accepted \(aud\)/],
    ['signed by a key the provider never published', () => token(stranger, { scope: 'admin' }), /signature does not verify/],
    ['unsigned (alg none)', async () => unsignedToken({ scope: 'admin' }), /unsigned or uses an algorithm/],
    [
      'signed with a shared secret (HS256)',
      () =>
        new SignJWT({ scope: 'admin' })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('x')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('s'.repeat(32))),
      /unsigned or uses an algorithm/,
    ],
    ['with an unknown key id', () => token({ ...rsa, kid: 'rotated-away' }), /no key of the identity provider/],
    [
      'without a subject',
      () => new SignJWT({ scope: 'read' }).setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(rsa.privateKey),
      /claims are not accepted|malformed/,
    ],
  ])('refuses a token %s with 401 and invalid_token, never as anonymous', async (_what, make, reason) => {
    const { status, challenge, body } = await post(gw, MODELS, { authorization: `Bearer ${await make()}` });
    expect(status).toBe(401);
    expect(challenge).toMatch(/^Bearer realm="openimages-gateway", error="invalid_token", error_description="/);
    expect(body.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringMatching(reason) });
    expect(body.data).toBeUndefined();
  });

  it('keeps the WWW-Authenticate challenge well-formed whatever the reason says (no quote inside error_description)', async () => {
    const { challenge } = await post(gw, MODELS, { authorization: 'Basic dXNlcjpwYXNz' });
    expect(challenge).toMatch(/^Bearer realm="openimages-gateway", error="invalid_token", error_description="[^"\\]*"$/);
  });

  it('refuses an unknown API key, a malformed Authorization header and two credentials at once', async () => {
    const attempts: Record<string, string>[] = [
      { 'x-api-key': 'oig_not-a-key' },
      { authorization: 'Bearer oig_not-a-key' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${keys.ingest}`, 'x-api-key': keys.ingest },
    ];
    for (const headers of attempts) {
      const { status, challenge, body } = await post(gw, MODELS, headers);
      expect(status).toBe(401);
      expect(challenge).toContain('error="invalid_token"');
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('accepts API keys in x-api-key or as a bearer token, with the scopes of their entry', async () => {
    const trainer = await post(gw, TRAIN, { 'x-api-key': keys.trainer });
    expect(trainer.body.errors[0].extensions.code).toBe('BAD_USER_INPUT'); // authorised, then the folder is missing
    const ingest = await post(gw, TRAIN, { authorization: `Bearer ${keys.ingest}` });
    expect(ingest.body.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/Your credential has: classify, read/) });
  });

  it('refuses a bad credential on the subscription transport too, before any stream opens', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${unsignedToken({})}` },
      body: JSON.stringify({ query: 'subscription($id: ID!) { trainingJobEvents(id: $id) { sequence } }', variables: { id: 'x' } }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('counts how callers were identified in /metrics', async () => {
    const text = await (await fetch(gw.url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${keys.ingest}` } })).text();
    // /metrics may be closed in production; when it answers, the counter is there.
    if (text.includes('gateway_')) expect(text).toMatch(/gateway_authentications_total\{result="invalid"\} [1-9]/);
  });
});

describe('identity: a JWKS file (offline), key rotation and the identity provider going away', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'identity-file-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('verifies tokens against AUTH_JWKS_FILE', async () => {
    const key = await signingKey('file-1', 'ES256');
    const gw = await startGateway({ NODE_ENV: 'production', AUTH_JWKS_FILE: writeJwksFile(dir, [key]), AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    try {
      expect((await post(gw, MODELS, { authorization: `Bearer ${await token(key)}` })).status).toBe(200);
      expect((await post(gw, MODELS, { authorization: `Bearer ${await token(await signingKey('file-1', 'ES256'))}` })).status).toBe(401);
    } finally {
      await gw.close();
    }
  });

  it('follows a key rotation at the JWKS endpoint (an unknown kid refetches the set), and answers 503 when it is unreachable', async () => {
    const before = await signingKey('before');
    const after = await signingKey('after');
    const jwks = await serveJwks([before]);
    const gw = await startGateway({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    try {
      expect((await post(gw, MODELS, { authorization: `Bearer ${await token(before)}` })).status).toBe(200);
      expect((await post(gw, MODELS, { authorization: `Bearer ${await token(before)}` })).status).toBe(200);
      expect(jwks.requests()).toBe(1); // cached
      jwks.setKeys([after]);
      // jose refetches on an unknown kid once its cool-down (30 s) has passed since the last fetch; a
      // fresh gateway has fetched once, so the first try with the new key may be refused, never served as anonymous.
      const first = await post(gw, MODELS, { authorization: `Bearer ${await token(after)}` });
      expect([200, 401]).toContain(first.status);
      await jwks.close();
      const unreachable = await post(gw, MODELS, { authorization: `Bearer ${await token(await signingKey('third'))}` });
      expect([401, 503]).toContain(unreachable.status);
      if (unreachable.status === 503) expect(unreachable.body.errors[0].extensions.code).toBe('AUTH_UNAVAILABLE');
    } finally {
      await gw.close();
    }
  });
});
