import { loadConfig } from '../../../src/config';
import { VisionLabeler } from '../../../src/vision/VisionLabeler';

/** Child process for visionLabeler.test.ts: no credentials anywhere, so labelImages must fail cleanly and close must not crash the process. */
async function main(): Promise<void> {
  const labeler = VisionLabeler.create(loadConfig({}));
  const result = await labeler.labelImages([Buffer.from('image')], 5).then(
    () => ({ code: 'NO_ERROR', message: '' }),
    (error: { code?: string; message: string }) => ({ code: error.code, message: error.message }),
  );
  await labeler.close();
  // Give a stray rejection from the client's internals time to surface and kill the process.
  await new Promise((resolve) => setTimeout(resolve, 500));
  process.stdout.write(JSON.stringify(result));
}

void main();
