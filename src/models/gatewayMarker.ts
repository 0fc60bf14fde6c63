import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The file the gateway writes into every model folder it makes; a folder without it is never replaced or removed. */
export const GATEWAY_MARKER_FILE = '.gateway-model.json';

export interface GatewayMarker {
  writtenBy: 'openimages-gateway';
  /** The caller that had the model written, when known. */
  owner: string | null;
  /** The training job that wrote it, when known. */
  jobId: string | null;
  /** ISO 8601. */
  createdAt: string;
}

export async function writeGatewayMarker(dir: string, by: { owner?: string | null; jobId?: string | null } = {}): Promise<GatewayMarker> {
  const marker: GatewayMarker = { writtenBy: 'openimages-gateway', owner: by.owner ?? null, jobId: by.jobId ?? null, createdAt: new Date().toISOString() };
  await fs.writeFile(path.join(dir, GATEWAY_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

/** The folder's marker, or undefined when it has none (or one the gateway did not write). */
export async function readGatewayMarker(dir: string): Promise<GatewayMarker | undefined> {
  const text = await fs.readFile(path.join(dir, GATEWAY_MARKER_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseGatewayMarker(text);
}

/** A marker file's text as the gateway wrote it, or undefined when it is not one. */
export function parseGatewayMarker(contents: string): GatewayMarker | undefined {
  let parsed: Partial<GatewayMarker>;
  try {
    parsed = JSON.parse(contents) as Partial<GatewayMarker>;
  } catch {
    return undefined;
  }
  if (parsed?.writtenBy !== 'openimages-gateway') return undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { writtenBy: 'openimages-gateway', owner: text(parsed.owner), jobId: text(parsed.jobId), createdAt: text(parsed.createdAt) ?? '' };
}

/**
 * Whether anything (a folder, a file, a link) is at `dir` without the gateway's marker: such a thing is
 * never replaced. A folder of versions (`1/`, `2/`, as the model repository writes them) is the gateway's
 * when every version holds the marker.
 */
export async function isForeignPath(dir: string): Promise<boolean> {
  const stat = await fs.lstat(dir).catch(() => undefined);
  if (!stat) return false;
  if (!stat.isDirectory()) return true;
  if ((await readGatewayMarker(dir)) !== undefined) return false;
  const names = await fs.readdir(dir);
  if (names.length === 0 || !names.every((name) => /^[1-9][0-9]{0,15}$/.test(name))) return true;
  const markers = await Promise.all(names.map((name) => readGatewayMarker(path.join(dir, name))));
  return markers.includes(undefined);
}
