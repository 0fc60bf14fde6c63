import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { seededRandom } from '../../../src/embeddings/random';
import { FLOWERS_DIR, noticeSkipped } from '../../support/sharedData';
import { testTempDir } from '../../support/tempDirs';

export const COLOURS = ['red', 'green', 'blue'] as const;
export type Colour = (typeof COLOURS)[number];
const HUES: Record<Colour, number> = { red: 0, green: 120, blue: 230 };

/**
 * A small JPEG whose dominant colour is its class: a jittered background of that hue with a few
 * grey shapes (a circle or a square, the `shape` label of multi-label tests) at random places.
 */
export async function colourImage(colour: Colour, seed: number, shape: 'circle' | 'square' = 'circle', size = 96): Promise<Buffer> {
  const random = seededRandom(seed);
  const hue = HUES[colour] + (random() - 0.5) * 30;
  const light = 35 + random() * 25;
  const figures = Array.from({ length: 3 }, () => {
    const x = 10 + random() * (size - 40);
    const y = 10 + random() * (size - 40);
    const grey = Math.round(80 + random() * 120);
    const fill = `rgb(${grey},${grey},${grey})`;
    return shape === 'circle' ? `<circle cx="${x + 12}" cy="${y + 12}" r="12" fill="${fill}"/>` : `<rect x="${x}" y="${y}" width="24" height="24" fill="${fill}"/>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="hsl(${hue},70%,${light}%)"/>${figures.join('')}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/** <root>/<colour>/<n>.jpg for each colour. */
export async function writeColourFolders(root: string, perClass: number, seed = 1): Promise<void> {
  for (const colour of COLOURS) {
    fs.mkdirSync(path.join(root, colour), { recursive: true });
    for (let i = 0; i < perClass; i++) fs.writeFileSync(path.join(root, colour, `${i}.jpg`), await colourImage(colour, seed * 1000 + HUES[colour] + i));
  }
}

export const FLOWER_CLASSES = ['daisy', 'dandelion', 'rose', 'sunflower', 'tulip'];
export const hasFlowers = fs.existsSync(path.join(FLOWERS_DIR, 'labels.csv'));

/**
 * Class folders for a training test: the first `perClass` real flower photos of each class (copied
 * into a temporary folder) when ../shared is present, else generated colour images.
 */
export async function writeClassFolders(root: string, perClass: number): Promise<{ kind: 'flowers' | 'colours'; classes: string[] }> {
  if (!hasFlowers) {
    noticeSkipped('training on real flower photos (generated colour images instead)');
    await writeColourFolders(root, perClass);
    return { kind: 'colours', classes: [...COLOURS] };
  }
  for (const label of FLOWER_CLASSES) {
    fs.mkdirSync(path.join(root, label), { recursive: true });
    const files = fs
      .readdirSync(path.join(FLOWERS_DIR, label))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(0, perClass);
    for (const file of files) fs.copyFileSync(path.join(FLOWERS_DIR, label, file), path.join(root, label, file));
  }
  return { kind: 'flowers', classes: FLOWER_CLASSES };
}

/** A temp folder removed when the test file ends. */
export const temporaryDir = (prefix: string) => testTempDir(prefix);
