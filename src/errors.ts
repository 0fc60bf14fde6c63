/** Every `extensions.code` a client can see, in one place. Apollo's own codes (parse/validation) are kept as they are. */
export enum ErrorCode {
  /** A request refused before GraphQL runs: a body that is not JSON, a broken multipart body, CSRF prevention, no operation to run (HTTP 400/413). */
  BadRequest = 'BAD_REQUEST',
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
  /** trainModel on an id the caller owns, without `replace: true`. */
  ModelExists = 'MODEL_EXISTS',
  Overloaded = 'OVERLOADED',
  VisionError = 'VISION_ERROR',
  VisionUnavailable = 'VISION_UNAVAILABLE',
  VisionPermissionDenied = 'VISION_PERMISSION_DENIED',
  VisionQuotaExceeded = 'VISION_QUOTA_EXCEEDED',
  VisionTimeout = 'VISION_TIMEOUT',
  EmbeddingsUnavailable = 'EMBEDDINGS_UNAVAILABLE',
  TrainingJobNotFound = 'TRAINING_JOB_NOT_FOUND',
  /** A training job (TrainingJob.errorCode) stopped by cancelTrainingJob. */
  TrainingCancelled = 'TRAINING_CANCELLED',
  /** A training job (TrainingJob.errorCode) that ran past TRAINING_JOB_TIMEOUT_S. */
  TrainingTimeout = 'TRAINING_TIMEOUT',
  /** A training job whose runner stopped heartbeating (its replica or worker stopped) for TRAINING_JOB_LEASE_S (TrainingJob.errorCode). */
  TrainingInterrupted = 'TRAINING_INTERRUPTED',
  /** A training job's data could not be used (TrainingJob.errorCode). */
  TrainingDataInvalid = 'TRAINING_DATA_INVALID',
  /** A training job named a source it may not read: outside TRAINING_DATA_ROOT, or remote and not allowed (TrainingJob.errorCode). */
  TrainingSourceRefused = 'TRAINING_SOURCE_REFUSED',
  ResponseTooLarge = 'RESPONSE_TOO_LARGE',
  ShuttingDown = 'SHUTTING_DOWN',
  ForbiddenOrigin = 'FORBIDDEN_ORIGIN',
  /** The Host header is not in ALLOWED_HOSTS (HTTP 421). */
  MisdirectedRequest = 'MISDIRECTED_REQUEST',
  /** A subscription stream reached SUBSCRIPTION_MAX_LIFETIME_S; subscribe again. */
  StreamLifetimeExceeded = 'STREAM_LIFETIME_EXCEEDED',
  RequestTimeout = 'REQUEST_TIMEOUT',
  NotFound = 'NOT_FOUND',
  /** No valid credential where one was presented (HTTP 401). */
  Unauthenticated = 'UNAUTHENTICATED',
  /** The caller's scopes do not allow the operation, or the job or model is someone else's. */
  Forbidden = 'FORBIDDEN',
  /** A per-caller limit was reached: retry after `Retry-After` seconds (HTTP 429). */
  RateLimited = 'RATE_LIMITED',
  /** The identity provider's key set could not be fetched (HTTP 503). */
  AuthUnavailable = 'AUTH_UNAVAILABLE',
  InternalServerError = 'INTERNAL_SERVER_ERROR',
}

/**
 * A failure with a code that clients may branch on; its message is safe to show in production. A plain
 * error of the domain: the GraphQL edge (src/graphql/formatError.ts) turns it into a GraphQL error whose
 * `extensions` are `code` and the extras given here (graphql-js and Apollo copy an original error's
 * `extensions` onto the GraphQLError they wrap it in).
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  /** `code` and the extras: what a client sees as the error's `extensions`. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause instanceof Error ? { cause: options.cause } : undefined);
    this.extensions = { code, ...extra };
  }
}

export const badUserInput = (message: string, extra: Record<string, unknown> = {}) => new GatewayError(ErrorCode.BadUserInput, message, extra);

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** How much of a client's own input an error may quote back. */
export const QUOTED_INPUT_CHARS = 40;

/**
 * A client-supplied value as an error quotes it: JSON-quoted, and cut to its first characters. An error
 * that echoed input whole would let one small request (many aliases over one large variable) build a
 * response hundreds of times its own size.
 */
export function quoteInput(value: unknown, max = QUOTED_INPUT_CHARS): string {
  const text = String(value);
  return JSON.stringify(text.length > max ? text.slice(0, max) : text) + (text.length > max ? `… (${text.length} characters)` : '');
}

/** A client-supplied value as an error's extensions may carry it: cut to its first characters. */
export function inputPrefix(value: string, max = QUOTED_INPUT_CHARS): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
