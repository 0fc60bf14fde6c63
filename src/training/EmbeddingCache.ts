import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CacheBudget } from './cacheBudget';

/** TRAINING_CACHE_MAX_BYTES' default. */
export const DEFAULT_CACHE_MAX_BYTES = 1024 ** 3;

/**
 * Embeddings on disk, keyed by backbone id + image sha256 (+ an augmentation variant), so that
 * re-training on the same images (other epochs, seeds, heads) skips the backbone entirely.
 * Each entry is the raw float32 vector in its own file; a missing `dir` disables caching. The whole
 * `dir` (every backbone's entries) is kept within `maxBytes`, least recently used entries removed first.
 */
export class EmbeddingCache {
  private readonly backboneDir?: string;
  private readonly budget?: CacheBudget;
  private prepared = false;

  constructor(
    dir: string | undefined,
    private readonly backboneId: string,
    maxBytes = DEFAULT_CACHE_MAX_BYTES,
  ) {
    if (dir) {
      this.backboneDir = path.join(dir, sha256(backboneId).slice(0, 16));
      this.budget = new CacheBudget(dir, maxBytes);
    }
  }

  async get(imageSha256: string, variant: string, size: number): Promise<Float32Array | undefined> {
    if (!this.backboneDir) return undefined;
    try {
      const file = this.file(imageSha256, variant);
      const bytes = await fs.readFile(file);
      if (bytes.length !== size * 4) return undefined;
      await this.budget!.used(file);
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      return undefined;
    }
  }

  async put(imageSha256: string, variant: string, features: Float32Array): Promise<void> {
    if (!this.backboneDir) return;
    const file = this.file(imageSha256, variant);
    if (!this.prepared) {
      await fs.mkdir(this.backboneDir, { recursive: true });
      await fs.writeFile(path.join(this.backboneDir, 'backbone.txt'), `${this.backboneId}\n`);
      this.prepared = true;
    }
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await fs.writeFile(temporary, Buffer.from(features.buffer, features.byteOffset, features.byteLength));
    await fs.rename(temporary, file);
    await this.budget!.added(file, features.byteLength);
  }

  private file(imageSha256: string, variant: string): string {
    return path.join(this.backboneDir!, imageSha256.slice(0, 2), `${imageSha256}${variant ? `.${variant}` : ''}.f32`);
  }
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
