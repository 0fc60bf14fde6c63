import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The file the gateway writes into every model folder it makes; only such folders are ever replaced or removed. */
export const GATEWAY_MARKER_FILE = '.gateway-model.json';

export interface GatewayMarker {
  writtenBy: 'openimages-gateway';
  /** The caller that trained it (`user:<sub>`, `key:<name>`, `anon:<address>`); null when unknown (the CLI). */
  owner: string | null;
  jobId: string | null;
  createdAt: string;
}

export async function writeGatewayMarker(dir: string, details: { owner?: string | null; jobId?: string | null }): Promise<void> {
  const marker: GatewayMarker = { writtenBy: 'openimages-gateway', owner: details.owner ?? null, jobId: details.jobId ?? null, createdAt: new Date().toISOString() };
  await fs.writeFile(path.join(dir, GATEWAY_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

/** The folder's marker, or undefined when the gateway did not write the folder (or it is unreadable). */
export async function readGatewayMarker(dir: string): Promise<GatewayMarker | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dir, GATEWAY_MARKER_FILE), 'utf8')) as Partial<GatewayMarker>;
    if (parsed.writtenBy !== 'openimages-gateway') return undefined;
    return { writtenBy: 'openimages-gateway', owner: typeof parsed.owner === 'string' ? parsed.owner : null, jobId: typeof parsed.jobId === 'string' ? parsed.jobId : null, createdAt: String(parsed.createdAt ?? '') };
  } catch {
    return undefined;
  }
}
