import fs from 'node:fs';
import path from 'node:path';

/**
 * The readers of one variable each: `(env, name, ...)`, the value or the default when unset, and a
 * ConfigError naming the variable, the value and what is expected ("expected X, got Y") otherwise.
 * Only the specs (src/config/variables/) call them; everything else reads the typed GatewayConfig.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function text(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

export function integer(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new ConfigError(`${name} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/** One of a few exact (case-sensitive) words. */
export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

/** One of a few words, any case; `aliases` maps other spellings to them (`off` for `none`). */
export function choice<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T, aliases: Record<string, T> = {}): T {
  const raw = (text(env, name) ?? fallback).toLowerCase();
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  if (Object.hasOwn(aliases, raw)) return aliases[raw];
  const quoted = allowed.map((word) => `"${word}"`);
  throw new ConfigError(`${name} must be ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}, got "${raw}"`);
}

export function boolean(env: Env, name: string): boolean | undefined {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${env[name]}"`);
}

/** A comma list of values; empty: none. */
export function list(env: Env, name: string): string[] {
  return (text(env, name) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A path that must exist as a file or a folder when the variable is set. */
export function existing(env: Env, name: string, kind: 'file' | 'directory', expected: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let stats: fs.Stats;
  try {
    stats = fs.statSync(value);
  } catch {
    throw new ConfigError(`${name} must name an existing ${kind} (${expected}), got "${value}": not found`);
  }
  if (kind === 'file' ? !stats.isFile() : !stats.isDirectory()) {
    throw new ConfigError(`${name} must name an existing ${kind} (${expected}), got "${value}": not a ${kind}`);
  }
  return value;
}

/** A database file to create or reuse: its folder must exist. */
export function creatableFile(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const folder = path.dirname(path.resolve(value));
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new ConfigError(`${name} must be a file path in an existing folder, got "${value}": ${folder} does not exist`);
  }
  return value;
}

/** A service-account key file: it must exist and be JSON, or the Google clients fail later with a misleading message. */
export function credentialsFile(env: Env, name: string): string | undefined {
  const file = existing(env, name, 'file', 'a service account key in JSON');
  if (file === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${name} must name a JSON key file, got "${file}": ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { type?: unknown }).type !== 'string') {
    throw new ConfigError(`${name} must name a Google credentials JSON file with a "type" field, got "${file}"`);
  }
  return file;
}

/** `host:port` (or `[v6::addr]:port`) for gRPC endpoints. */
export function endpoint(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
    throw new ConfigError(`${name} must be host:port (e.g. 127.0.0.1:9090), got "${value}"`);
  }
  return value;
}

/** Exact origins (`scheme://host[:port]`), never a wildcard: uploads and billed calls must not be open to every page. */
export function origins(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`${name} must list exact origins such as https://app.example.com (no "*", path or trailing slash), got "${origin}"`);
    }
    return origin;
  });
}

/** Host names (`name`, `name:port`, `*.domain`), lower-cased; no schemes or paths. */
export function allowedHosts(env: Env, name: string): string[] {
  const raw = text(env, name);
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const host = entry.trim().toLowerCase();
    if (!/^(\*\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host)) {
      throw new ConfigError(`${name} must list host names such as api.example.com, api.example.com:8443 or *.example.com, got "${entry.trim()}"`);
    }
    return host;
  });
}

/** The JWKS endpoint: https, or http on loopback (a local identity provider, tests). */
export function jwksUrl(env: Env, name: string): string | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an https URL, got "${value}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`${name} must be an https URL (http only on loopback), got "${value}"`);
  }
  return value;
}

/** Names and addresses that can only reach this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
