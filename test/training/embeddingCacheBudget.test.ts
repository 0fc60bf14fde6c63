import fs from 'node:fs';
import path from 'node:path';
import { EmbeddingCache, sha256 } from '../../src/training/EmbeddingCache';
import { temporaryDir } from './support/images';

/** Issue 16: the training embedding cache (MODELS_DIR/.embedding-cache) had no size budget. */

const SIZE = 256; // floats: 1 KiB per entry
const vector = (seed: number) => Float32Array.from({ length: SIZE }, (_, i) => seed + i);
const hash = (n: number) => sha256(`image-${n}`);
const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

function cachedBytes(dir: string): number {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => name.endsWith('.f32')).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
}

describe('EmbeddingCache with TRAINING_CACHE_MAX_BYTES', () => {
  it('removes the least recently used entries after a write takes it over its budget', async () => {
    const dir = temporaryDir('cache-budget-');
    const cache = new EmbeddingCache(dir, 'backbone-a', 10 * SIZE * 4);
    for (let n = 0; n < 10; n++) {
      await cache.put(hash(n), '', vector(n));
      await pause();
    }
    expect(cachedBytes(dir)).toBe(10 * SIZE * 4);
    // Read the three oldest again: they become the most recently used.
    for (let n = 0; n < 3; n++) expect(await cache.get(hash(n), '', SIZE)).toEqual(vector(n));
    await pause();

    await cache.put(hash(10), '', vector(10));
    expect(cachedBytes(dir)).toBeLessThanOrEqual(10 * SIZE * 4);
    const kept = async (n: number) => (await cache.get(hash(n), '', SIZE)) !== undefined;
    for (let n = 0; n < 3; n++) expect(await kept(n)).toBe(true);
    expect(await kept(10)).toBe(true);
    expect(await kept(3)).toBe(false); // the least recently used went first
    expect(await kept(9)).toBe(true);
  });

  it("counts what an earlier run left (every backbone's entries) on its first write", async () => {
    const dir = temporaryDir('cache-budget-');
    const before = new EmbeddingCache(dir, 'backbone-a', 1024 ** 3);
    for (let n = 0; n < 8; n++) {
      await before.put(hash(n), '', vector(n));
      await pause();
    }
    const after = new EmbeddingCache(dir, 'backbone-b', 4 * SIZE * 4);
    await after.put(hash(100), '', vector(100));
    expect(cachedBytes(dir)).toBeLessThanOrEqual(4 * SIZE * 4);
    expect(await after.get(hash(100), '', SIZE)).toEqual(vector(100));
    expect(await before.get(hash(0), '', SIZE)).toBeUndefined();
    expect(await before.get(hash(7), '', SIZE)).toEqual(vector(7));
    expect(fs.existsSync(path.join(dir, sha256('backbone-a').slice(0, 16), 'backbone.txt'))).toBe(true);
  });
});
