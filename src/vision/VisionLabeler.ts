import type { ImageAnnotatorClient, protos } from '@google-cloud/vision';
import type { GoogleAuth } from 'google-gax';
import type { GatewayConfig } from '../config';
import { ErrorCode, GatewayError } from '../errors';
import { logger } from '../logger';
import type { GatewayMetrics } from '../metrics';
import type { ImageOutcome, Prediction } from '../models/types';
import { exponentialDelay, retry } from '../retry';
import { GOOGLE_VISION_ENDPOINT, isRetryable, outcomeLabel, visionCallError } from './visionErrors';

/** The most images the Vision API takes in one BatchAnnotateImages request. */
export const VISION_BATCH_LIMIT = 16;
const UNAVAILABLE_RETRIES = 2;
const RETRY_BASE_DELAY_MS = 100;
const CREDENTIALS_RECHECK_MS = 60_000;
/**
 * Longest wait for Application Default Credentials. On what looks like Compute Engine, google-auth-library
 * asks the metadata server with no timeout at all, so a blocked metadata server would hold every
 * labelDetection call for as long as the OS lets a connection hang.
 */
const CREDENTIALS_DISCOVERY_MS = 10_000;

type BatchResponse = protos.google.cloud.vision.v1.IBatchAnnotateImagesResponse;
type ImageResponse = protos.google.cloud.vision.v1.IAnnotateImageResponse;

const log = logger.child({ component: 'vision' });

/**
 * Label detection with Google Cloud Vision. With VISION_API_ENDPOINT it talks plaintext gRPC to that
 * host:port and sends no credentials (emulators, tests); otherwise it uses Application Default Credentials.
 *
 * The client is only built once credentials are known to exist: a client built without any fails every
 * call and then rejects, unhandled, when closed, which takes the process down.
 */
export class VisionLabeler {
  private client?: Promise<ImageAnnotatorClient>;
  private credentials?: Promise<GoogleAuth | undefined>;
  private closed = false;

  private constructor(
    private readonly config: GatewayConfig['vision'],
    private readonly metrics?: GatewayMetrics,
  ) {}

  static create(config: GatewayConfig, metrics?: GatewayMetrics): VisionLabeler {
    return new VisionLabeler(config.vision, metrics);
  }

  /** One outcome per image, in order; calls of at most 16 images run in parallel. Whole-call failures throw typed GatewayErrors. */
  async labelImages(images: Buffer[], maxResults: number): Promise<ImageOutcome[]> {
    if (images.length === 0) return [];
    const client = await this.connect();
    const chunks: Buffer[][] = [];
    for (let i = 0; i < images.length; i += VISION_BATCH_LIMIT) chunks.push(images.slice(i, i + VISION_BATCH_LIMIT));
    const answers = await Promise.all(chunks.map((chunk) => this.annotate(client, chunk, maxResults)));
    return answers.flat();
  }

  /**
   * Whether labelDetection can call Cloud Vision here, by the decision a call makes (VISION_API_ENDPOINT, or
   * Application Default Credentials found), reached once and remembered as the client is. The reason names
   * what to set, never a server path.
   */
  async availability(): Promise<{ available: boolean; reason?: string }> {
    try {
      if (this.closed) throw new GatewayError(ErrorCode.ShuttingDown, 'The Vision client is shutting down.');
      await this.findCredentials();
      return { available: true };
    } catch (error) {
      const unavailable = error instanceof GatewayError && error.code === ErrorCode.VisionUnavailable;
      if (unavailable && !this.config.credentialsFile) return { available: false, reason: error.message };
      const what = unavailable ? 'the key file GOOGLE_APPLICATION_CREDENTIALS names could not be used' : 'the Vision client could not be started';
      return {
        available: false,
        reason: `Cloud Vision is not configured: ${what} (see the gateway log). Set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or VISION_API_ENDPOINT to a Vision-compatible endpoint.`,
      };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = await this.client?.catch(() => undefined);
    await client?.close().catch((error: unknown) => log.warn({ err: error }, 'closing the Vision client failed'));
  }

  private async annotate(client: ImageAnnotatorClient, images: Buffer[], maxResults: number): Promise<ImageOutcome[]> {
    const request = {
      requests: images.map((content) => ({ image: { content }, features: [{ type: 'LABEL_DETECTION' as const, maxResults }] })),
    };
    let attempts = 0;
    const annotateOnce = async (attemptNumber: number) => {
      attempts = attemptNumber;
      try {
        const [response] = await client.batchAnnotateImages(request, { timeout: this.config.timeoutMs, retry: null });
        this.metrics?.visionRequests.inc({ status: 'ok' });
        return response;
      } catch (error) {
        this.metrics?.visionRequests.inc({ status: outcomeLabel(error) });
        throw error;
      }
    };
    try {
      const response = await retry(annotateOnce, { retries: UNAVAILABLE_RETRIES, retryable: isRetryable, delayMs: exponentialDelay(RETRY_BASE_DELAY_MS, 3) });
      return images.map((_, i) => outcomeOf(response, i, maxResults));
    } catch (error) {
      // An upstream failure is expected operation, not a bug: its message and status say enough, a stack would not.
      const endpoint = this.config.apiEndpoint ?? GOOGLE_VISION_ENDPOINT;
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      log.warn({ endpoint, status: (error as { code?: unknown }).code, reason, images: images.length, attempts }, 'Cloud Vision call failed');
      throw visionCallError(error, endpoint);
    }
  }

  private connect(): Promise<ImageAnnotatorClient> {
    if (this.closed) return Promise.reject(new GatewayError(ErrorCode.ShuttingDown, 'The Vision client is shutting down.'));
    this.client ??= this.buildClient().catch((error: unknown) => {
      // Credentials may be provided later (mounted secret); look again after a while, not on every request.
      setTimeout(() => (this.client = undefined), CREDENTIALS_RECHECK_MS).unref();
      throw error;
    });
    return this.client;
  }

  private async buildClient(): Promise<ImageAnnotatorClient> {
    const auth = await this.findCredentials();
    // Loaded on first use: the Vision client and its protos take seconds to load, which `npm start` should not wait for.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the Vision client takes seconds to load and most gateways never call it
    const { ImageAnnotatorClient } = require('@google-cloud/vision') as typeof import('@google-cloud/vision');
    if (!auth) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, with the Vision client above (google-gax comes with it)
      const { grpc } = require('google-gax') as typeof import('google-gax');
      const { host, port } = parseEndpoint(this.config.apiEndpoint!);
      return new ImageAnnotatorClient({ apiEndpoint: host, port, sslCreds: grpc.credentials.createInsecure() });
    }
    return new ImageAnnotatorClient({ auth });
  }

  /**
   * The credentials the client will use: none with VISION_API_ENDPOINT, else Application Default Credentials,
   * or a VISION_UNAVAILABLE error saying what to set. Only google-gax's auth is loaded for it, not the Vision
   * client, so `availability()` answers sooner than a first call.
   */
  private findCredentials(): Promise<GoogleAuth | undefined> {
    this.credentials ??= this.discoverCredentials().catch((error: unknown) => {
      setTimeout(() => (this.credentials = undefined), CREDENTIALS_RECHECK_MS).unref();
      throw error;
    });
    return this.credentials;
  }

  private async discoverCredentials(): Promise<GoogleAuth | undefined> {
    if (this.config.apiEndpoint) {
      parseEndpoint(this.config.apiEndpoint);
      return undefined;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: google-gax takes a second to load and most gateways never call Vision
    const { GoogleAuth } = require('google-gax') as typeof import('google-gax');
    const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-vision'] });
    const deadline = Math.min(this.config.timeoutMs, CREDENTIALS_DISCOVERY_MS);
    try {
      await withDeadline(auth.getClient(), deadline);
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        log.warn({ deadlineMs: deadline }, 'looking for Google credentials for Cloud Vision timed out');
        throw new GatewayError(
          ErrorCode.VisionUnavailable,
          `Cloud Vision is not configured: looking for Application Default Credentials took over ${deadline} ms (the Compute Engine metadata ` +
            'server did not answer). Set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or VISION_API_ENDPOINT to a Vision-compatible endpoint.',
        );
      }
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      log.warn({ reason }, 'no usable Google credentials for Cloud Vision');
      if (this.config.credentialsFile) {
        throw new GatewayError(
          ErrorCode.VisionUnavailable,
          `Cloud Vision is not configured: the key file in GOOGLE_APPLICATION_CREDENTIALS (${this.config.credentialsFile}) could not be used: ${reason}`,
        );
      }
      throw new GatewayError(
        ErrorCode.VisionUnavailable,
        'Cloud Vision is not configured: no Application Default Credentials were found. Set GOOGLE_APPLICATION_CREDENTIALS to a ' +
          'service account key file (or run `gcloud auth application-default login`), or set VISION_API_ENDPOINT to a Vision-compatible endpoint.',
      );
    }
    return auth;
  }
}

function outcomeOf(response: BatchResponse, index: number, maxResults: number): ImageOutcome {
  const answer: ImageResponse | undefined = response.responses?.[index];
  if (!answer) return { error: { code: ErrorCode.VisionError, message: 'Cloud Vision returned no result for this image.' } };
  if (answer.error && answer.error.code) {
    return { error: { code: ErrorCode.VisionError, message: `Cloud Vision could not label this image: ${answer.error.message ?? 'unknown error'}` } };
  }
  const labels = (answer.labelAnnotations ?? []).map((annotation): Prediction => {
    const label: Prediction = { name: annotation.description ?? '', score: annotation.score ?? 0 };
    if (annotation.mid) label.mid = annotation.mid;
    return label;
  });
  return { labels: labels.sort((a, b) => b.score - a.score).slice(0, maxResults) };
}

class DeadlineExceeded extends Error {}

/** `promise`, or a DeadlineExceeded rejection after `ms` (the promise itself goes on, unobserved). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
    timer.unref();
  });
  promise.catch(() => undefined); // a late failure of the abandoned lookup must not surface as unhandled
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** `host:port`, `[v6::addr]:port`. */
export function parseEndpoint(endpoint: string): { host: string; port: number } {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(endpoint.trim());
  if (!match) {
    throw new GatewayError(ErrorCode.VisionUnavailable, `VISION_API_ENDPOINT must be host:port, got "${endpoint}".`);
  }
  return { host: match[1], port: Number(match[2]) };
}
