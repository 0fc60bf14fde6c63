import { promises as fs } from 'node:fs';
import path from 'node:path';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.gif'];

export interface ImageFile {
  /** Relative to the listed folder, with forward slashes: portable across machines and into BigQuery. */
  path: string;
  file: string;
  /** Name of the folder holding the image; null for images directly in the listed folder. */
  label: string | null;
}

/** Every image file under `root` (recursively, symlinks followed), sorted by path. */
export async function listImageFiles(root: string): Promise<ImageFile[]> {
  const found: ImageFile[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const file = path.join(dir, entry.name);
      const stat = entry.isSymbolicLink() ? await fs.stat(file).catch(() => undefined) : entry;
      if (stat?.isDirectory()) await walk(file);
      else if (stat?.isFile() && IMAGE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        const relative = path.relative(root, file).split(path.sep).join('/');
        const parent = path.dirname(relative);
        found.push({ path: relative, file, label: parent === '.' ? null : path.basename(parent) });
      }
    }
  }
  await walk(path.resolve(root));
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
