import path from 'node:path';
import { status } from '@grpc/grpc-js';
import sharp from 'sharp';
import { loadConfig } from '../../src/config';
import { ErrorCode } from '../../src/errors';
import { GatewayMetrics } from '../../src/metrics';
import { VisionLabeler } from '../../src/vision/VisionLabeler';
import { VisionFake } from '../fakes/vision/VisionFake';
import { testTempDir } from '../support/tempDirs';
import { runTypeScript } from './support/runTypeScript';

const png = (background: string) =>
  sharp({ create: { width: 24, height: 16, channels: 3, background } })
    .png()
    .toBuffer();

describe('VisionLabeler against a loopback Vision gRPC endpoint', () => {
  let fake: VisionFake;
  let labeler: VisionLabeler;
  let metrics: GatewayMetrics;
  let red: Buffer;
  let blue: Buffer;

  beforeAll(async () => {
    fake = await VisionFake.start();
    [red, blue] = await Promise.all([png('#ff0000'), png('#0000ff')]);
  });
  afterAll(() => fake.stop());

  beforeEach(() => {
    fake.calls.length = 0;
    fake.faults.length = 0;
    fake.answers.clear();
    fake.delayMs = 0;
    metrics = new GatewayMetrics();
    labeler = VisionLabeler.create(loadConfig({ VISION_API_ENDPOINT: fake.endpoint, VISION_TIMEOUT_MS: '5000' }), metrics);
  });
  afterEach(() => labeler.close());

  test('20 images go out as two calls (16 + 4), maxResults passed through, answers in order with mids', async () => {
    const images = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? red : blue));
    const outcomes = await labeler.labelImages(images, 3);
    expect(fake.calls.map((call) => call.images).sort((a, b) => a - b)).toEqual([4, 16]);
    for (const call of fake.calls) {
      expect(call.features.every((feature) => feature.type === 'LABEL_DETECTION' && feature.maxResults === 3)).toBe(true);
      expect(call.authorized).toBe(false);
    }
    expect(outcomes).toHaveLength(20);
    outcomes.forEach((outcome, i) => {
      expect(outcome.labels).toHaveLength(3);
      expect(outcome.labels![0]).toEqual({ name: i % 2 === 0 ? 'Red' : 'Blue', mid: i % 2 === 0 ? '/m/06fvc' : '/m/01g5v', score: expect.closeTo(0.95, 5) });
    });
    expect(await metricValue(metrics, 'ok')).toBe(2);
  });

  test('a per-image error is that image’s outcome; the others are labelled', async () => {
    const scripted = Buffer.from('scripted');
    fake.answerFor(scripted, { error: { code: status.INTERNAL, message: 'Internal server error.' } });
    const outcomes = await labeler.labelImages([red, Buffer.from('not an image'), scripted, blue], 1);
    expect(outcomes[0].labels).toEqual([{ name: 'Red', mid: '/m/06fvc', score: expect.closeTo(0.95, 5) }]);
    expect(outcomes[1].error).toEqual({ code: ErrorCode.VisionError, message: expect.stringContaining('Bad image data') });
    expect(outcomes[2].error).toEqual({ code: ErrorCode.VisionError, message: expect.stringContaining('Internal server error') });
    expect(outcomes[3].labels?.[0].name).toBe('Blue');
  });

  test.each([
    [status.PERMISSION_DENIED, 'This API method requires billing to be enabled.', ErrorCode.VisionPermissionDenied],
    [status.UNAUTHENTICATED, 'Request had invalid authentication credentials.', ErrorCode.VisionPermissionDenied],
    [status.RESOURCE_EXHAUSTED, 'Quota exceeded for quota metric.', ErrorCode.VisionQuotaExceeded],
    [status.INVALID_ARGUMENT, 'Request must specify image and features.', ErrorCode.VisionError],
  ])('gRPC status %s fails the request with a typed error and is not retried', async (code, message, expected) => {
    fake.failNext(code, message);
    await expect(labeler.labelImages([red], 5)).rejects.toMatchObject({ code: expected });
    expect(fake.calls).toHaveLength(1);
  });

  test('UNAVAILABLE is retried and then succeeds', async () => {
    fake.failNext(status.UNAVAILABLE, 'Connection reset', 2);
    const [outcome] = await labeler.labelImages([red], 2);
    expect(outcome.labels?.[0].name).toBe('Red');
    expect(fake.calls).toHaveLength(3);
    expect(await metricValue(metrics, 'vision_unavailable')).toBe(2);
  });

  test('UNAVAILABLE that persists ends as VISION_UNAVAILABLE after a couple of retries', async () => {
    fake.failNext(status.UNAVAILABLE, 'Connection reset', 5);
    await expect(labeler.labelImages([red], 2)).rejects.toMatchObject({ code: ErrorCode.VisionUnavailable });
    expect(fake.calls).toHaveLength(3);
  });

  test('a call slower than VISION_TIMEOUT_MS ends as VISION_TIMEOUT', async () => {
    const impatient = VisionLabeler.create(loadConfig({ VISION_API_ENDPOINT: fake.endpoint, VISION_TIMEOUT_MS: '400' }));
    // Far beyond the deadline, so that no timing is asserted: an answer at all would fail the test.
    fake.delayMs = 5_000;
    try {
      await expect(impatient.labelImages([red], 2)).rejects.toMatchObject({ code: ErrorCode.VisionTimeout, message: expect.stringContaining(fake.endpoint) });
    } finally {
      fake.delayMs = 0;
      await impatient.close();
    }
  });

  test('an endpoint nobody listens on ends as VISION_UNAVAILABLE', async () => {
    const closed = VisionLabeler.create(loadConfig({ VISION_API_ENDPOINT: '127.0.0.1:1', VISION_TIMEOUT_MS: '2000' }));
    await expect(closed.labelImages([red], 2)).rejects.toMatchObject({ code: ErrorCode.VisionUnavailable, message: expect.stringContaining('127.0.0.1:1') });
    await closed.close();
  });
});

describe('VisionLabeler without VISION_API_ENDPOINT or credentials', () => {
  const home = testTempDir('no-gcloud-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    CLOUDSDK_CONFIG: path.join(home, 'gcloud'),
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'silent',
  };

  test('labelImages throws VISION_UNAVAILABLE with instructions, and the process survives close()', async () => {
    const { code, stdout, stderr } = await runTypeScript(path.join(__dirname, 'support', 'noCredentialsChild.ts'), env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(stdout);
    expect(result.code).toBe(ErrorCode.VisionUnavailable);
    expect(result.message).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    expect(result.message).toMatch(/VISION_API_ENDPOINT/);
  });

  test('a metadata server that never answers (on what looks like Compute Engine) ends as VISION_UNAVAILABLE within VISION_TIMEOUT_MS', async () => {
    const { METADATA_SERVER_DETECTION: _probe, ...probing } = env;
    const { code, stdout, stderr } = await runTypeScript(path.join(__dirname, 'support', 'silentMetadataChild.ts'), probing);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const result = JSON.parse(stdout);
    expect(result.asked).toBeGreaterThan(0); // the lookup really went to the silent server
    expect(result.code).toBe(ErrorCode.VisionUnavailable);
    expect(result.message).toMatch(/took over 1000 ms \(the Compute Engine metadata server did not answer\)/);
    expect(result.message).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
  });
});

async function metricValue(metrics: GatewayMetrics, status: string): Promise<number> {
  const { values } = await metrics.visionRequests.get();
  return values.find((value) => value.labels.status === status)?.value ?? 0;
}
