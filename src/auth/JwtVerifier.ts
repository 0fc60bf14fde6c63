import fs from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../config';
import { ConfigError } from '../config';
import { scopesOfClaims } from './tokenScopes';
import type { Scope } from './caller';

export interface VerifiedToken {
  subject: string;
  scopes: Scope[];
}

/** Why a token was refused: logged, never shown to the client beyond `invalid_token`. */
export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

/** Refetching the key set on an unknown `kid` at most this often: a stream of forged kids costs one fetch per window. */
const JWKS_COOLDOWN_MS = 30_000;
/** A fetched key set is kept this long before it is fetched again (rotation without an unknown `kid`). */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_TIMEOUT_MS = 5_000;
const VERIFIED_TOKEN_TTL_MS = 60_000;
const MAX_VERIFIED_TOKENS = 10_000;
const KEY_SET_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Verifies bearer JWTs with jose: signature against the provider's key set (asymmetric algorithms
 * only), `iss`, `aud`, `exp`/`nbf` with a small clock tolerance, and a `sub` to own jobs by.
 */
export class JwtVerifier {
  /** Tokens already verified, until their expiry or a minute (so a key removed from the set stops working soon), most recent last. */
  private readonly verified = new Map<string, { token: VerifiedToken; until: number }>();

  private constructor(
    private readonly keys: JWTVerifyGetKey,
    private readonly config: AuthConfig,
  ) {}

  /** Undefined when no key set is configured: then every JWT is refused. */
  static fromConfig(config: AuthConfig, tuning: { keySetCooldownMs?: number } = {}): JwtVerifier | undefined {
    if (config.jwksUrl) {
      const remote = createRemoteJWKSet(new URL(config.jwksUrl), {
        cooldownDuration: tuning.keySetCooldownMs ?? JWKS_COOLDOWN_MS,
        cacheMaxAge: JWKS_MAX_AGE_MS,
        timeoutDuration: JWKS_TIMEOUT_MS,
      });
      return new JwtVerifier(remote, config);
    }
    if (config.jwksFile) {
      let keySet: unknown;
      try {
        keySet = JSON.parse(fs.readFileSync(config.jwksFile, 'utf8'));
      } catch (error) {
        throw new ConfigError(`AUTH_JWKS_FILE must be a JSON Web Key Set, got "${config.jwksFile}": ${(error as Error).message.split('\n')[0]}`);
      }
      if (!Array.isArray((keySet as { keys?: unknown })?.keys)) throw new ConfigError(`AUTH_JWKS_FILE must be a JSON Web Key Set ({"keys": [...]}), got "${config.jwksFile}"`);
      return new JwtVerifier(createLocalJWKSet(keySet as Parameters<typeof createLocalJWKSet>[0]), config);
    }
    return undefined;
  }

  /** A client sends the same token with every request: a signature is checked once per minute, not per request. */
  async verify(token: string): Promise<VerifiedToken> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now) {
      this.verified.delete(token);
      this.verified.set(token, known);
      return known.token;
    }
    this.verified.delete(token);
    const { verified, expiresAt } = await this.verifySignature(token);
    this.verified.set(token, { token: verified, until: Math.min(expiresAt, now + VERIFIED_TOKEN_TTL_MS) });
    if (this.verified.size > MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    return verified;
  }

  private async verifySignature(token: string): Promise<{ verified: VerifiedToken; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuers,
        audience: this.config.audiences,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return { verified: { subject: payload.sub!, scopes: scopesOfClaims(payload, this.config.scopePrefix) }, expiresAt: payload.exp! * 1000 };
    } catch (error) {
      // The key set could not be fetched or read: the provider's trouble, not a bad token (503, not 401).
      if (error instanceof errors.JOSEError && !KEY_SET_UNAVAILABLE.has(error.code)) throw new InvalidToken(`${error.code}: ${error.message}`);
      throw error;
    }
  }
}
