import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { newApiKey } from '../../src/auth/ApiKeys';
import type { Scope } from '../../src/auth/caller';

export const ISSUER = 'https://issuer.test/';
export const AUDIENCE = 'https://gateway.test/api';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: PrivateKey;
  jwk: JWK;
}

export async function signingKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A real signed token, as an identity provider issues it; `claims` override the defaults (valid for 10 minutes). */
export async function token(key: SigningKey, claims: JWTPayload = {}, options: { expiresIn?: string | number } = {}): Promise<string> {
  return new SignJWT({ scope: 'read', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(String(claims.iss ?? ISSUER))
    .setAudience((claims.aud as string | string[] | undefined) ?? AUDIENCE)
    .setSubject(String(claims.sub ?? 'alice'))
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(key.privateKey);
}

/** An identity provider's JWKS endpoint on loopback; `keys` can be swapped (rotation), `requests` counts fetches. */
export async function serveJwks(keys: SigningKey[]): Promise<{ url: string; setKeys(next: SigningKey[]): void; requests(): number; close(): Promise<void> }> {
  let current = keys;
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: current.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    setKeys: (next) => (current = next),
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export function writeJwksFile(dir: string, keys: SigningKey[]): string {
  const file = path.join(dir, 'jwks.json');
  fs.writeFileSync(file, JSON.stringify({ keys: keys.map((key) => key.jwk) }));
  return file;
}

/** An API_KEYS_FILE with one key per name; returns the file and the keys to present. */
export function writeApiKeys(dir: string, callers: Record<string, Scope[]>): { file: string; keys: Record<string, string> } {
  const made = Object.entries(callers).map(([name, scopes]) => ({ name, ...newApiKey(name, scopes) }));
  const file = path.join(dir, 'api-keys.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      made.map((item) => item.entry),
      null,
      2,
    ),
  );
  return { file, keys: Object.fromEntries(made.map((item) => [item.name, item.key])) };
}

/** A JWT with `alg: none`: no signature at all. */
export function unsignedToken(claims: JWTPayload): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: Math.floor(Date.now() / 1000) + 600, ...claims })}.`;
}
