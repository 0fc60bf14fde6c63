import type express from 'express';
import { ErrorCode } from '../errors';
import { refuse } from '../http/refusal';
import { logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { ApiKeys } from './ApiKeys';
import { anonymousCaller, type Caller, type Scope } from './caller';
import { InvalidToken, type JwtVerifier } from './JwtVerifier';

export interface AuthenticateOptions {
  /** Undefined: no identity provider configured, so every JWT is refused. */
  jwt?: JwtVerifier;
  apiKeys: ApiKeys;
  anonymousScopes: readonly Scope[];
  metrics?: GatewayMetrics;
}

const log = logger.child({ component: 'auth' });
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;
const MAX_CREDENTIAL_CHARS = 8192;

/** A credential was presented and is not good: answered 401, never served as anonymous. */
class Refusal extends Error {}

/**
 * Decides who sent a request before any body is read: a bearer JWT, an API key (`Authorization:
 * Bearer <key>` or `x-api-key`), or nobody. A presented credential that does not verify is refused
 * with 401 and `WWW-Authenticate: Bearer error="invalid_token"`. A caller's scopes are those of its
 * credential plus the anonymous ones but `admin`: presenting a credential never gives fewer rights than none.
 * Sets `res.locals.caller`, read by the GraphQL context of queries and subscriptions alike.
 */
export function authenticate(options: AuthenticateOptions): express.RequestHandler {
  // `admin` is never inherited: a development gateway makes anonymous callers admins, and signed-in
  // callers must still own their jobs and models apart.
  const inherited = options.anonymousScopes.filter((scope) => scope !== 'admin');
  const withAnonymous = (scopes: readonly Scope[]) => new Set<Scope>([...inherited, ...scopes]);
  const identify = async (req: express.Request): Promise<Caller> => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const credential = presentedCredential(req);
    if (credential === undefined) {
      options.metrics?.authentications.inc({ result: 'anonymous' });
      return anonymousCaller(address, options.anonymousScopes);
    }
    if (JWT_SHAPE.test(credential)) {
      if (!options.jwt) throw new Refusal('no identity provider is configured (AUTH_JWKS_URL / AUTH_JWKS_FILE) to verify tokens');
      const token = await options.jwt.verify(credential);
      options.metrics?.authentications.inc({ result: 'jwt' });
      return { id: `user:${token.subject}`, kind: 'user', scopes: withAnonymous(token.scopes), address };
    }
    const key = options.apiKeys.find(credential);
    if (!key) throw new Refusal('unknown API key');
    options.metrics?.authentications.inc({ result: 'api_key' });
    return { id: `key:${key.name}`, kind: 'apiKey', scopes: withAnonymous(key.scopes), address };
  };

  return (req, res, next) => {
    identify(req).then(
      (caller) => {
        res.locals.caller = caller;
        next();
      },
      (error: unknown) => {
        if (error instanceof Refusal || error instanceof InvalidToken) {
          options.metrics?.authentications.inc({ result: 'invalid' });
          log.info({ requestId: res.locals.requestId, reason: error.message }, 'credential refused');
          // RFC 6750: error_description may hold neither `"` nor `\`.
          const description = describe(error).replace(/["\\]/g, "'");
          res.setHeader('www-authenticate', `Bearer realm="openimages-gateway", error="invalid_token", error_description="${description}"`);
          return refuse(res, 401, ErrorCode.Unauthenticated, `The credential was refused (${describe(error)}); send a valid token or API key, or none.`);
        }
        options.metrics?.authentications.inc({ result: 'unavailable' });
        log.error({ requestId: res.locals.requestId, err: error }, 'verifying a token failed: the key set could not be fetched');
        refuse(res, 503, ErrorCode.AuthUnavailable, 'The identity provider could not be reached to verify the token; retry shortly.', { retryAfterSeconds: 5 });
      },
    );
  };
}

/** The Authorization bearer value or x-api-key, whichever is present; refuses two, or a malformed one. */
function presentedCredential(req: express.Request): string | undefined {
  const authorization = req.headers.authorization;
  const apiKey = req.headers['x-api-key'];
  if (authorization === undefined && apiKey === undefined) return undefined;
  if (authorization !== undefined && apiKey !== undefined) throw new Refusal('send one credential: Authorization or x-api-key, not both');
  const value = authorization !== undefined ? BEARER.exec(authorization)?.[1] : Array.isArray(apiKey) ? undefined : apiKey?.trim();
  if (!value) throw new Refusal(authorization !== undefined ? 'the Authorization header must be "Bearer <token>"' : 'x-api-key must hold one key');
  if (value.length > MAX_CREDENTIAL_CHARS) throw new Refusal('the credential is too long');
  return value;
}

/** What the client is told: which check failed, in words that quote nothing of the token. */
function describe(error: Error): string {
  if (error instanceof Refusal) return error.message;
  const code = error.message.split(':')[0];
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's claims are not accepted (${/"(\w+)" claim/.exec(error.message)?.[1] ?? 'a claim'})`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature does not verify';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return "no key of the identity provider matches the token's key id";
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'the token is unsigned or uses an algorithm that is not accepted';
    default:
      return 'the token is malformed or not valid';
  }
}
