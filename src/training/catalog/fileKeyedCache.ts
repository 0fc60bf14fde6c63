import { promises as fs } from 'node:fs';

/**
 * Values computed from a file's bytes, kept while the file keeps its size and modification time; at most
 * `capacity` files (the least recently used are dropped). Concurrent asks for one file share one computation.
 */
export class FileKeyedCache<T> {
  private readonly entries = new Map<string, { key: string; value: Promise<T> }>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Undefined when the file cannot be stat'ed or `compute` fails (a failure is not cached). */
  async get(file: string, compute: (file: string) => Promise<T>): Promise<T | undefined> {
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    const key = `${stat.size}:${stat.mtimeMs}`;
    let entry = this.entries.get(file);
    if (entry?.key === key) {
      this.entries.delete(file);
      this.entries.set(file, entry);
    } else {
      entry = { key, value: compute(file) };
      this.entries.delete(file);
      this.entries.set(file, entry);
      while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    const current = entry;
    return current.value.catch(() => {
      if (this.entries.get(file) === current) this.entries.delete(file);
      return undefined;
    });
  }
}
