import fs from 'node:fs';
import path from 'node:path';

/**
 * ../shared beside the repository: real photos and pretrained models, present on developer machines and
 * CI. SHARED_DIR overrides it (SHARED_DIR=/nowhere shows what a clone without it runs).
 */
export const SHARED_DIR = path.resolve(process.env.SHARED_DIR ?? path.join(__dirname, '../../../../shared'));

/** The path of a file or folder under ../shared, or undefined with a visible notice when it is absent. */
export function sharedPath(relative: string, fallbackNote: string): string | undefined {
  const full = path.join(SHARED_DIR, relative);
  if (fs.existsSync(full)) return full;
  console.warn(`[skip] ${full} is absent: ${fallbackNote}`);
  return undefined;
}

export const sharedModel = (name: string) => sharedPath(`models/${name}`, 'pretrained-model assertions are skipped; generated images and a tiny model are used instead');

export const sharedPhoto = (file: string) => sharedPath(`data/photos/${file}`, 'real-photo assertions are skipped');
