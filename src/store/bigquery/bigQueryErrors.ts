/**
 * The failures of a BigQuery query, reduced to what the store needs (HTTP status, BigQuery reason,
 * retryable or not) with secrets removed from the message. The client's own errors are never passed
 * on: they carry the HTTP response, whose request headers hold the OAuth bearer token.
 */

/** A reply BigQuery sent, or a transport failure before any reply. */
export class BigQueryRequestError extends Error {
  override name = 'BigQueryRequestError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    readonly retryable: boolean,
  ) {
    super(redactSecrets(message));
  }
}

/** A reply that is not the JSON document the protocol promises (bad JSON, missing fields, short pages). */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
  readonly retryable = false;
  constructor(message: string) {
    super(redactSecrets(message));
  }
}

/** The query's time budget ran out; the word "deadline" makes the store report BACKEND_TIMEOUT. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
  constructor(
    readonly deadlineMs: number,
    readonly attempts: number,
    readonly lastError?: Error,
  ) {
    super(`BigQuery query exceeded its deadline of ${deadlineMs} ms after ${attempts} attempt(s)${lastError ? ` (last error: ${lastError.message})` : ''}`);
  }
}

// Reasons documented at https://cloud.google.com/bigquery/docs/error-messages
const RETRYABLE_REASONS = new Set(['backendError', 'internalError', 'rateLimitExceeded', 'userRateLimitExceeded', 'jobBackendError', 'jobInternalError']);
const FATAL_REASONS = new Set([
  'invalidQuery',
  'invalid',
  'notFound',
  'accessDenied',
  'duplicate',
  'quotaExceeded',
  'billingNotEnabled',
  'billingTierLimitExceeded',
  'resourcesExceeded',
  'responseTooLarge',
  'blocked',
  'notImplemented',
  'stopped',
]);
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

export function isRetryable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;
}

/**
 * Classifies what the client's `request()` called back with. Duck-typed on purpose: the client's
 * HTTP layer may run in another realm (tests load it natively), where `instanceof` does not hold.
 */
export function fromClientError(error: unknown): Error {
  if (error instanceof BigQueryRequestError || error instanceof MalformedResponseError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    errors?: Array<{ reason?: string; message?: string }>;
    message?: unknown;
    type?: unknown;
  };
  const message = typeof e.message === 'string' && e.message ? e.message : String(error);
  const badJson = e.type === 'invalid-json' || (typeof e.code !== 'number' && /invalid json response body|Unexpected token|Unexpected end of JSON/i.test(message));
  if (badJson) {
    return new MalformedResponseError(`BigQuery sent a reply that is not valid JSON: ${message}`);
  }
  if (typeof e.code === 'number') {
    const reason = Array.isArray(e.errors) ? e.errors.find((x) => x?.reason)?.reason : undefined;
    const retryable = reason && (RETRYABLE_REASONS.has(reason) || FATAL_REASONS.has(reason)) ? RETRYABLE_REASONS.has(reason) : RETRYABLE_STATUS.has(e.code);
    return new BigQueryRequestError(`BigQuery answered ${e.code}${reason ? ` ${reason}` : ''}: ${message}`, e.code, reason, retryable);
  }
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const transient = (networkCode !== undefined && TRANSIENT_NETWORK_CODES.has(networkCode)) || /socket hang up|network|ECONNRESET/i.test(message);
  return new BigQueryRequestError(`BigQuery request failed: ${message}`, undefined, networkCode, transient);
}

/** Removes bearer tokens, API keys, URL passwords and private keys from a message. */
export function redactSecrets(text: string): string {
  return text
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/(\b(?:access_token|refresh_token|id_token|client_secret|api_?key|key|token|password)=)[^&\s"')]+/gi, '$1[redacted]')
    .replace(/("(?:private_key|client_secret|refresh_token|access_token)"\s*:\s*")[^"]*"/gi, '$1[redacted]"')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@');
}
