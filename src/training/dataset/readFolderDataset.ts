import { listImageFiles } from '../../embeddings/imageFiles';
import { datasetOf, type Dataset } from './types';

/** One folder per class, the folder name being the label; images may sit deeper inside it. */
export async function readFolderDataset(dir: string): Promise<Dataset> {
  const files = await listImageFiles(dir);
  return datasetOf(
    files
      .filter((file) => file.path.includes('/'))
      .map((file) => ({ source: file.file, labels: [file.path.slice(0, file.path.indexOf('/'))] })),
  );
}
