import { ConfigError, existing, isLoopbackHost, jwksUrl, list, text, type Env } from '../parsers';
import { SCOPES, type Scope } from '../scopes';
import { computed, integerVariable, optionalVariable, read, textVariable, variable } from '../spec';
import { isProduction, SERVER } from './server';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Who may call what: JWTs from an identity provider, API keys, and what anonymous callers may do. */
export const AUTH = {
  jwksUrl: optionalVariable(
    'AUTH_JWKS_URL',
    '(unset)',
    'JSON Web Key Set of the identity provider (`https://…/.well-known/jwks.json`), fetched and cached; an unknown `kid` refetches it (key rotation), at most every 30 s. Bearer JWTs are then verified against it.',
    jwksUrl,
  ),
  jwksFile: optionalVariable('AUTH_JWKS_FILE', '(unset)', 'The same key set from a local JSON file (offline, tests); instead of `AUTH_JWKS_URL`.', (env, name) =>
    existing(env, name, 'file', 'a JSON Web Key Set'),
  ),
  issuers: variable(
    'AUTH_ISSUER',
    computed('(required with a JWKS)', (): string[] => []),
    'Accepted `iss` claim (comma list for several), e.g. `https://example.eu.auth0.com/`.',
    (env, name) => list(env, name),
  ),
  audiences: variable(
    'AUTH_AUDIENCE',
    computed('(required with a JWKS)', (): string[] => []),
    'Accepted `aud` claim (comma list: any one of them), e.g. the API identifier.',
    (env, name) => list(env, name),
  ),
  clockToleranceSeconds: integerVariable('AUTH_CLOCK_TOLERANCE_S', 30, 'Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (at most 300).', 0, 300),
  algorithms: variable(
    'AUTH_ALGORITHMS',
    ASYMMETRIC_ALGORITHMS,
    'JWT signature algorithms accepted; asymmetric ones only (`HS*` and `none` are refused).',
    (env, name, fallback) => {
      const algorithms = text(env, name) === undefined ? fallback : list(env, name);
      const weak = algorithms.filter((algorithm) => !ASYMMETRIC_ALGORITHMS.includes(algorithm));
      if (weak.length > 0 || algorithms.length === 0) {
        throw new ConfigError(`${name} must list asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}), got "${text(env, name)}"`);
      }
      return algorithms;
    },
  ),
  scopePrefix: textVariable(
    'AUTH_SCOPE_PREFIX',
    computed('(none)', () => ''),
    "Prefix of the gateway's scopes in tokens, e.g. `gateway:` when the provider issues `gateway:train`.",
  ),
  apiKeysFile: optionalVariable(
    'API_KEYS_FILE',
    '(unset)',
    'JSON file of API keys for server-to-server callers: `[{"name", "sha256", "scopes"}]`, each key stored as its SHA-256 (`npm run auth:key` makes one).',
    (env, name) => existing(env, name, 'file', 'a JSON list of API keys'),
  ),
  anonymousScopes: variable<Scope[]>(
    'ANONYMOUS_SCOPES',
    computed('`read,classify` in production; every scope in development', (env) => (isProduction(env) ? ['read', 'classify'] : [...SCOPES])),
    'Scopes of requests without credentials: a comma list of `read`, `classify`, `train`, `admin`, or `none`.',
    scopeList,
  ),
};

function scopeList(env: Env, name: string, fallback: Scope[]): Scope[] {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (raw.toLowerCase() === 'none') return [];
  const scopes = list(env, name);
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown.length > 0 || scopes.length === 0) throw new ConfigError(`${name} must be a comma list of ${SCOPES.join(', ')}, or none; got "${raw}"`);
  return [...new Set(scopes)] as Scope[];
}

/** Limits are on for a public production gateway and off on one's own machine, where they would only slow a benchmark. */
function limitsEnforced(env: Env): boolean {
  return isProduction(env) && !isLoopbackHost(read(SERVER.host, env));
}

function rateLimit(name: string, enforced: number, description: string) {
  const doc = `\`${enforced}\` when listening beyond loopback in production, else \`0\` (off)`;
  return integerVariable(
    name,
    computed(doc, (env) => (limitsEnforced(env) ? enforced : 0)),
    description,
  );
}

/** Per-caller limits on the costly operations; 0 turns one off. */
export const RATE_LIMITS = {
  classifyPerMinute: rateLimit(
    'RATE_LIMIT_CLASSIFY_PER_MINUTE',
    600,
    'Images one caller may `classify` per minute (anonymous callers: per client address); over it: 429 `RATE_LIMITED` with `Retry-After`.',
  ),
  labelDetectionPerMinute: rateLimit('RATE_LIMIT_LABEL_DETECTION_PER_MINUTE', 60, 'Images one caller may send to Cloud Vision (`labelDetection`) per minute.'),
  similarImagesPerMinute: rateLimit('RATE_LIMIT_SIMILAR_IMAGES_PER_MINUTE', 300, '`similarImages` queries one caller may make per minute.'),
  trainModelPerHour: rateLimit('RATE_LIMIT_TRAIN_PER_HOUR', 20, '`trainModel` calls one caller may make per hour.'),
};
