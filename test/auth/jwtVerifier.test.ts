import { loadConfig } from '../../src/config';
import { InvalidToken, JwtVerifier } from '../../src/auth/JwtVerifier';
import { scopesOfClaims } from '../../src/auth/tokenScopes';
import { AUDIENCE, ISSUER, serveJwks, signingKey, token } from '../support/identityProvider';

describe('JwtVerifier', () => {
  it('follows a key rotation: a token with a new kid makes it refetch the key set', async () => {
    const [before, after] = await Promise.all([signingKey('before'), signingKey('after', 'ES256')]);
    const jwks = await serveJwks([before]);
    try {
      const config = loadConfig({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
      const verifier = JwtVerifier.fromConfig(config.auth, { keySetCooldownMs: 0 })!;
      await expect(verifier.verify(await token(before, { sub: 'alice', scope: 'read train' }))).resolves.toEqual({ subject: 'alice', scopes: ['read', 'train'] });
      await verifier.verify(await token(before));
      expect(jwks.requests()).toBe(1);
      jwks.setKeys([after]);
      await expect(verifier.verify(await token(after, { sub: 'bob' }))).resolves.toMatchObject({ subject: 'bob' });
      expect(jwks.requests()).toBe(2);
      // The old key is gone from the set: its new tokens no longer verify (one already verified stays good for at most a minute).
      await expect(verifier.verify(await token(before, { sub: 'carol' }))).rejects.toBeInstanceOf(InvalidToken);
    } finally {
      await jwks.close();
    }
  });

  it("reports an unreachable key set as the provider's failure, not as a bad token", async () => {
    const key = await signingKey('k');
    const jwks = await serveJwks([key]);
    await jwks.close();
    const verifier = JwtVerifier.fromConfig(loadConfig({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }).auth, { keySetCooldownMs: 0 })!;
    const failure = await verifier.verify(await token(key)).catch((error: unknown) => error);
    // fetch's TypeError (from Node's realm, hence no instanceof Error here), never an InvalidToken.
    expect(failure).toBeDefined();
    expect(failure).not.toBeInstanceOf(InvalidToken);
  });

  it('tolerates a small clock skew and no more', async () => {
    const key = await signingKey('skew');
    const jwks = await serveJwks([key]);
    try {
      const verifier = JwtVerifier.fromConfig(loadConfig({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_CLOCK_TOLERANCE_S: '30' }).auth)!;
      const now = Math.floor(Date.now() / 1000);
      await expect(verifier.verify(await token(key, {}, { expiresIn: now - 10 }))).resolves.toBeDefined();
      await expect(verifier.verify(await token(key, {}, { expiresIn: now - 60 }))).rejects.toBeInstanceOf(InvalidToken);
    } finally {
      await jwks.close();
    }
  });
});

describe('scopes from token claims', () => {
  it("reads scope (space-separated), scp and permissions, keeps only the gateway's scopes, and honours a prefix", () => {
    expect(scopesOfClaims({ scope: 'openid read  classify email' })).toEqual(['read', 'classify']);
    expect(scopesOfClaims({ scp: ['train', 'offline_access'], permissions: ['admin'] })).toEqual(['train', 'admin']);
    expect(scopesOfClaims({ scope: 'train gateway:read', permissions: ['gateway:admin'] }, 'gateway:')).toEqual(['read', 'admin']);
    expect(scopesOfClaims({ scope: 42, scp: 'read' })).toEqual(['read']);
  });
});

describe('auth configuration', () => {
  it.each([
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks.json' }, /AUTH_JWKS_URL \/ AUTH_JWKS_FILE need AUTH_ISSUER and AUTH_AUDIENCE/],
    [{ AUTH_JWKS_URL: 'http://idp.example/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }, /AUTH_JWKS_URL must be an https URL/],
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks.json', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a', AUTH_ALGORITHMS: 'RS256,HS256' }, /AUTH_ALGORITHMS must list asymmetric algorithms/],
    [{ ANONYMOUS_SCOPES: 'read,write' }, /ANONYMOUS_SCOPES must be a comma list of read, classify, train, admin, or none/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('gives anonymous callers read and classify in production, everything in development, and none when asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).auth.anonymousScopes).toEqual(['read', 'classify']);
    expect(loadConfig({}).auth.anonymousScopes).toEqual(['read', 'classify', 'train', 'admin']);
    expect(loadConfig({ NODE_ENV: 'production', ANONYMOUS_SCOPES: 'none' }).auth.anonymousScopes).toEqual([]);
    expect(loadConfig({ ANONYMOUS_SCOPES: 'read' }).auth.anonymousScopes).toEqual(['read']);
  });

  it('turns rate limits on only for a production gateway listening beyond loopback', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).rateLimits.classifyPerMinute).toBe(600);
    expect(loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1' }).rateLimits.classifyPerMinute).toBe(0);
    expect(loadConfig({}).rateLimits.classifyPerMinute).toBe(0);
    expect(loadConfig({ RATE_LIMIT_CLASSIFY_PER_MINUTE: '5' }).rateLimits.classifyPerMinute).toBe(5);
  });
});

describe('verified-token cache', () => {
  it('checks a repeated token once, never past its expiry', async () => {
    const key = await signingKey('cache');
    const jwks = await serveJwks([key]);
    try {
      const verifier = JwtVerifier.fromConfig(loadConfig({ AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_CLOCK_TOLERANCE_S: '0' }).auth)!;
      const shortLived = await token(key, { sub: 'brief' }, { expiresIn: Math.floor(Date.now() / 1000) + 2 });
      await expect(verifier.verify(shortLived)).resolves.toMatchObject({ subject: 'brief' });
      await expect(verifier.verify(shortLived)).resolves.toMatchObject({ subject: 'brief' });
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expect(verifier.verify(shortLived)).rejects.toBeInstanceOf(InvalidToken);
    } finally {
      await jwks.close();
    }
  });
});
