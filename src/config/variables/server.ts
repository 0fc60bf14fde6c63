import { allowedHosts, integer, oneOf, text } from '../parsers';
import { computed, integerVariable, read, textVariable, unset, variable } from '../spec';
import type { Env } from '../parsers';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The process: where it listens, who may reach /metrics, its mode and its logs. */
export const SERVER = {
  port: integerVariable('PORT', 4000, 'HTTP port; GraphQL is served at `/graphql`.', 0, 65535),
  host: textVariable('HOST', '0.0.0.0', 'Interface to listen on.'),
  allowedHosts: variable(
    'ALLOWED_HOSTS',
    computed('(unset: any host)', (): string[] => []),
    'Comma-separated host names the `Host` header may carry (`api.example.com`, `api.example.com:8443`, `*.example.com` for any subdomain); others get 421 `MISDIRECTED_REQUEST` (`/healthz`, `/readyz` excepted). Set it in production, against DNS rebinding.',
    (env, name) => allowedHosts(env, name),
  ),
  metricsToken: textVariable('METRICS_TOKEN', unset(), 'In production, `/metrics` on `PORT` answers only `Authorization: Bearer <token>` (401 otherwise). Open in development.'),
  metricsPort: variable(
    'METRICS_PORT',
    unset(),
    'A second listener on `HOST` serving only `/metrics`, unauthenticated (keep the port private). In production with neither this nor `METRICS_TOKEN`, `/metrics` answers 404.',
    (env, name): number | undefined => (text(env, name) === undefined ? undefined : integer(env, name, 0, 0, 65535)),
  ),
  nodeEnv: variable(
    'NODE_ENV',
    'development',
    '`production` masks internal error details and turns introspection and "Did you mean" suggestions off (see `INTROSPECTION`).',
    // Compared as it is, untrimmed: express and other libraries read it the same way.
    (env, name, fallback) => env[name] || fallback,
  ),
  logLevel: variable<LogLevel>('LOG_LEVEL', 'info', 'pino level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.', (env, name, fallback) =>
    oneOf(env, name, LOG_LEVELS, fallback),
  ),
  logFormat: variable<LogFormat>(
    'LOG_FORMAT',
    computed('`pretty` on a terminal, else `json`', () => (process.stdout.isTTY ? 'pretty' : 'json')),
    '`json`: one JSON object per line (for log collectors); `pretty`: readable lines.',
    (env, name, fallback) => oneOf(env, name, LOG_FORMATS, fallback),
  ),
};

export function isProduction(env: Env): boolean {
  return read(SERVER.nodeEnv, env) === 'production';
}
