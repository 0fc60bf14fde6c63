import net from 'node:net';
import { loadConfig } from '../../../src/config';
import { VisionLabeler } from '../../../src/vision/VisionLabeler';

/**
 * Child process for visionLabeler.test.ts: the process believes it runs on Compute Engine (so
 * google-auth-library asks the metadata server with no timeout) and the metadata server accepts
 * connections but never answers. labelImages must still fail, within VISION_TIMEOUT_MS.
 */
async function main(): Promise<void> {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  process.env.GCE_METADATA_HOST = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- after GCE_METADATA_HOST is set: gcp-metadata reads it when it loads
  (require('gcp-metadata') as typeof import('gcp-metadata')).setGCPResidency(true);

  const labeler = VisionLabeler.create(loadConfig({ VISION_TIMEOUT_MS: '1000' }));
  const result = await labeler.labelImages([Buffer.from('image')], 5).then(
    () => ({ code: 'NO_ERROR', message: '' }),
    (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
  );
  await labeler.close();
  // On a busy machine the deadline can pass before the abandoned lookup has even connected: give it time.
  for (let waited = 0; sockets.size === 0 && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const socket of sockets) socket.destroy();
  silent.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  process.stdout.write(JSON.stringify({ ...result, asked: sockets.size }));
}

void main();
