import type { Env } from './parsers';
import { SERVER, type LogFormat, type LogLevel } from './variables/server';

/**
 * The logger's settings, parsed like the rest but never throwing: the logger exists before the
 * configuration is loaded, and a bad value must reach the user as loadConfig's one-line error.
 */
export function loggingConfig(env: Env = process.env, isTerminal = Boolean(process.stdout.isTTY)): { level: LogLevel; format: LogFormat } {
  const valid = <T extends string>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch {
      return fallback;
    }
  };
  const { logLevel, logFormat } = SERVER;
  return {
    level: valid(() => logLevel.parse(env, logLevel.name, 'info'), 'info'),
    format: valid(() => logFormat.parse(env, logFormat.name, isTerminal ? 'pretty' : 'json'), 'json'),
  };
}
