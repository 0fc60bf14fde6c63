import { seedFrom } from './random';

export interface Shard {
  index: number;
  count: number;
}

/** Parses `k/n` (0 <= k < n). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const shard = match ? { index: Number(match[1]), count: Number(match[2]) } : undefined;
  if (!shard || shard.count < 1 || shard.index >= shard.count) throw new Error(`--shard must be k/n with 0 <= k < n, got "${text}"`);
  return shard;
}

/**
 * Whether an item belongs to a shard. By a hash of its path, not its position, so that every machine
 * agrees on the split and adding files to the list does not move the others between shards.
 */
export function inShard(itemPath: string, shard: Shard): boolean {
  return seedFrom(itemPath) % shard.count === shard.index;
}
