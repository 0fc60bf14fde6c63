import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { ConfigError } from '../config';
import { SCOPES, type Scope } from './caller';

export interface ApiKeyEntry {
  /** Who the key belongs to: the owner of its jobs and models, and the key of its limits. */
  name: string;
  /** Hex SHA-256 of the key; the key itself is never stored. */
  sha256: string;
  scopes: Scope[];
}

/** Keys made by `npm run auth:key` start with this, so a leaked one is easy to spot (secret scanners, logs). */
export const API_KEY_PREFIX = 'oig_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new key (256 random bits) and the entry API_KEYS_FILE stores for it. */
export function newApiKey(name: string, scopes: Scope[]): { key: string; entry: ApiKeyEntry } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, entry: { name, sha256: hashApiKey(key), scopes } };
}

/**
 * API keys for server-to-server callers, from API_KEYS_FILE. Keys are looked up by their SHA-256: a
 * key is 256 random bits, so a fast hash is the right tool (as for GitHub's tokens), and the lookup
 * compares digests, never secrets.
 */
export class ApiKeys {
  private constructor(private readonly byHash: Map<string, ApiKeyEntry>) {}

  static fromFile(file: string | undefined): ApiKeys {
    if (!file) return new ApiKeys(new Map());
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`API_KEYS_FILE must be a JSON list of keys, got "${file}": ${(error as Error).message.split('\n')[0]}`);
    }
    const entries = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown })?.keys;
    if (!Array.isArray(entries)) throw new ConfigError(`API_KEYS_FILE must be a JSON list of {"name", "sha256", "scopes"}, got "${file}"`);
    const byHash = new Map<string, ApiKeyEntry>();
    const names = new Set<string>();
    entries.forEach((entry, index) => {
      const checked = checkEntry(entry, `API_KEYS_FILE entry ${index + 1}`);
      if (names.has(checked.name)) throw new ConfigError(`API_KEYS_FILE names "${checked.name}" twice: names own jobs and models, so each must be unique`);
      names.add(checked.name);
      byHash.set(checked.sha256, checked);
    });
    return new ApiKeys(byHash);
  }

  get size(): number {
    return this.byHash.size;
  }

  find(key: string): ApiKeyEntry | undefined {
    return this.byHash.get(hashApiKey(key));
  }
}

function checkEntry(entry: unknown, where: string): ApiKeyEntry {
  const { name, sha256, scopes } = (entry ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/.test(name)) {
    throw new ConfigError(`${where}: "name" must be letters, digits, ".", "_", "@" or "-" (at most 100), got ${JSON.stringify(name)}`);
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256)) throw new ConfigError(`${where} ("${name}"): "sha256" must be 64 hex digits (the SHA-256 of the key)`);
  if (!Array.isArray(scopes) || scopes.some((scope) => !(SCOPES as readonly unknown[]).includes(scope))) {
    throw new ConfigError(`${where} ("${name}"): "scopes" must be a list of ${SCOPES.join(', ')}, got ${JSON.stringify(scopes)}`);
  }
  return { name, sha256: sha256.toLowerCase(), scopes: scopes as Scope[] };
}
