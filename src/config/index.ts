/**
 * The configuration: every environment variable the gateway reads, specified once (src/config/variables/:
 * name, default, parser, documentation), read into the typed GatewayConfig by loadConfig, and listed in
 * the README's table by `npm run docs:config`. The only place in src/ that reads the environment.
 */
export { loadConfig } from './load';
export { loggingConfig } from './logging';
export { ConfigError, isLoopbackHost, type Env } from './parsers';
export type { AuthConfig, ConfigVariable, GatewayConfig, RateLimitConfig } from './types';
export { CLI, CONFIG_VARIABLES, LOG_FORMATS, LOG_LEVELS, VARIABLES, type LogFormat, type LogLevel } from './variables';
export { read } from './spec';
