import fs from 'node:fs';
import path from 'node:path';

/** ../shared beside the repo: real data and models. Absent on a clone elsewhere. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', 'shared');
export const OPEN_IMAGES_DIR = path.join(SHARED_DIR, 'data', 'openimages');
export const PHOTOS_DIR = path.join(SHARED_DIR, 'data', 'photos');
export const FLOWERS_DIR = path.join(SHARED_DIR, 'data', 'flowers');
export const MODELS_DIR = path.join(SHARED_DIR, 'models');

export const hasSharedData = fs.existsSync(path.join(OPEN_IMAGES_DIR, 'classes.csv'));
export const hasSharedModels = fs.existsSync(path.join(MODELS_DIR, 'mobilenet_v1_0.25_224', 'model.json'));

/** Prints a visible notice (once per suite) that a part is skipped because ../shared is absent. */
export function noticeSkipped(what: string): void {
  console.warn(`SKIPPED: ${what} — ../shared is not beside the repo (${SHARED_DIR}).`);
}
