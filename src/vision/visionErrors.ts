import { ErrorCode, GatewayError } from '../errors';

/** gRPC status codes the Vision API answers with (google.rpc.Code). */
export const GrpcStatus = {
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export const isRetryable = (error: unknown) => statusOf(error) === GrpcStatus.UNAVAILABLE;

/** The endpoint the client talks to when VISION_API_ENDPOINT is unset. */
export const GOOGLE_VISION_ENDPOINT = 'vision.googleapis.com:443';

/**
 * The client-facing error for a failed BatchAnnotateImages call. Messages stay generic (the upstream
 * text can name the Google Cloud project); the caller logs the details. Network failures name the
 * endpoint, so that a wrong VISION_API_ENDPOINT is recognised at once.
 */
export function visionCallError(error: unknown, endpoint = GOOGLE_VISION_ENDPOINT): GatewayError {
  if (error instanceof GatewayError) return error;
  switch (statusOf(error)) {
    case GrpcStatus.PERMISSION_DENIED:
    case GrpcStatus.UNAUTHENTICATED:
      return new GatewayError(
        ErrorCode.VisionPermissionDenied,
        'Cloud Vision refused the request: the credentials lack permission, the API is disabled or billing is not enabled for the project.',
      );
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return new GatewayError(ErrorCode.VisionQuotaExceeded, 'The Cloud Vision quota is exhausted; retry later.');
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new GatewayError(ErrorCode.VisionTimeout, `Cloud Vision at ${endpoint} did not answer in time.`);
    case GrpcStatus.UNAVAILABLE:
      return new GatewayError(ErrorCode.VisionUnavailable, `Cloud Vision at ${endpoint} is unreachable; retry later.`);
    default:
      return new GatewayError(ErrorCode.VisionError, 'Cloud Vision failed to label the images.');
  }
}

/** Label for the visionRequests metric. */
export function outcomeLabel(error: unknown): string {
  return error === undefined ? 'ok' : visionCallError(error).code.toLowerCase();
}

function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
