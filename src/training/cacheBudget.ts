import { promises as fs } from 'node:fs';
import path from 'node:path';

interface CachedFile {
  size: number;
  usedAt: number;
}

/** After eviction the cache holds at most this share of its budget, so that not every write sorts the whole cache. */
const LOW_WATER = 0.9;

/**
 * A byte budget over a cache folder of files ending in `suffix`: after each write, the least recently
 * used files are removed while the folder holds more than `maxBytes`. "Used" is a file's modification
 * time, which reads refresh, so the order survives restarts. The folder is listed once, on the first write.
 */
export class CacheBudget {
  private files?: Promise<Map<string, CachedFile>>;
  private total = 0;

  constructor(
    readonly root: string,
    readonly maxBytes: number,
    private readonly suffix = '.f32',
  ) {}

  /** Records a read of `file` (a hit), so that it is evicted after files not read since. */
  async used(file: string): Promise<void> {
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
    const known = this.files && (await this.files).get(file);
    if (known) known.usedAt = now.getTime();
  }

  /** Records a write of `file` (`size` bytes), then evicts down to the budget. */
  async added(file: string, size: number): Promise<void> {
    const files = await (this.files ??= this.list());
    this.total += size - (files.get(file)?.size ?? 0);
    files.set(file, { size, usedAt: Date.now() });
    if (this.total > this.maxBytes) await this.evict(files, file);
  }

  /** Bytes the cache holds, as this budget counts them. */
  async bytes(): Promise<number> {
    await (this.files ??= this.list());
    return this.total;
  }

  private async evict(files: Map<string, CachedFile>, keep: string): Promise<void> {
    const oldestFirst = [...files].filter(([file]) => file !== keep).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [file, { size }] of oldestFirst) {
      if (this.total <= this.maxBytes * LOW_WATER) break;
      if (!files.delete(file)) continue; // a concurrent write's eviction took it
      this.total -= size;
      await fs.rm(file, { force: true });
    }
  }

  private async list(): Promise<Map<string, CachedFile>> {
    const files = new Map<string, CachedFile>();
    let names: string[];
    try {
      names = await fs.readdir(this.root, { recursive: true });
    } catch {
      return files; // not there yet
    }
    for (const name of names) {
      if (!name.endsWith(this.suffix)) continue;
      const file = path.join(this.root, name);
      const stats = await fs.stat(file).catch(() => undefined);
      if (!stats?.isFile()) continue;
      files.set(file, { size: stats.size, usedAt: stats.mtimeMs });
      this.total += stats.size;
    }
    return files;
  }
}
