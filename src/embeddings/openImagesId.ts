import path from 'node:path';

/** Open Images ids are 16 lowercase hex digits, e.g. `000062a39995e348`. */
const OPEN_IMAGES_ID = /^[0-9a-f]{16}$/;

/** The Open Images id a file is named after (`…/000062a39995e348.jpg`), else null. */
export function openImagesIdOf(filePath: string): string | null {
  const name = path.posix.basename(filePath.replace(/\\/g, '/'));
  const stem = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  return OPEN_IMAGES_ID.test(stem) ? stem : null;
}
