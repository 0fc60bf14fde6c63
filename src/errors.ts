import { GraphQLError } from 'graphql';

/** Every `extensions.code` a client can see, in one place. Apollo's own codes (parse/validation) are kept as they are. */
export enum ErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  BackendError = 'BACKEND_ERROR',
  BackendTimeout = 'BACKEND_TIMEOUT',
  BackendUnavailable = 'BACKEND_UNAVAILABLE',
  QueryTooDeep = 'QUERY_TOO_DEEP',
  QueryTooComplex = 'QUERY_TOO_COMPLEX',
  UnsupportedImage = 'UNSUPPORTED_IMAGE',
  FileTooLarge = 'FILE_TOO_LARGE',
  TooManyFiles = 'TOO_MANY_FILES',
  ImageTooLarge = 'IMAGE_TOO_LARGE',
  ModelUnavailable = 'MODEL_UNAVAILABLE',
  ModelNotFound = 'MODEL_NOT_FOUND',
  Overloaded = 'OVERLOADED',
  VisionError = 'VISION_ERROR',
  VisionUnavailable = 'VISION_UNAVAILABLE',
  VisionPermissionDenied = 'VISION_PERMISSION_DENIED',
  VisionQuotaExceeded = 'VISION_QUOTA_EXCEEDED',
  VisionTimeout = 'VISION_TIMEOUT',
  EmbeddingsUnavailable = 'EMBEDDINGS_UNAVAILABLE',
  TrainingJobNotFound = 'TRAINING_JOB_NOT_FOUND',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

/** A failure with a code that clients may branch on; its message is safe to show in production. */
export class GatewayError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, { extensions: { code, ...extra }, originalError: options.cause instanceof Error ? options.cause : undefined });
  }
}

export const badUserInput = (message: string, extra: Record<string, unknown> = {}) =>
  new GatewayError(ErrorCode.BadUserInput, message, extra);

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}
