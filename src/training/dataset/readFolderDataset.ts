import { promises as fs } from 'node:fs';
import { listImageFiles } from '../../embeddings/imageFiles';
import { isInside } from './assertInside';
import { datasetOf, SourceRefusedError, type Dataset } from './types';

/**
 * One folder per class, the folder name being the label; images may sit deeper inside it. With `root`,
 * every image must lie inside it once symbolic links are resolved (a class folder linked to elsewhere
 * is refused, a link within the root is fine): the job fails rather than train on what it may not read.
 */
export async function readFolderDataset(dir: string, root?: string): Promise<Dataset> {
  const files = (await listImageFiles(dir)).filter((file) => file.path.includes('/'));
  if (root) {
    const realRoot = await fs.realpath(root);
    const outside: string[] = [];
    for (const file of files) {
      const real = await fs.realpath(file.file).catch(() => undefined);
      if (!real || !isInside(realRoot, real)) outside.push(file.path);
    }
    if (outside.length > 0) {
      throw new SourceRefusedError(
        `${outside.length} image file(s) resolve outside the training data root (symbolic links), e.g. "${outside[0]}"`,
        `${outside.length} image file(s) in the training folder resolve outside TRAINING_DATA_ROOT (symbolic links)`,
      );
    }
  }
  return datasetOf(files.map((file) => ({ source: file.file, labels: [file.path.slice(0, file.path.indexOf('/'))] })));
}
