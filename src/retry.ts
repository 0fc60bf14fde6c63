/**
 * The one retry loop (training sources over HTTP, Cloud Vision, BigQuery queries): each caller says
 * what is worth another attempt and how long to wait; the loop is written once.
 */
export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Whether a failure is worth another attempt; anything else is thrown at once. */
  retryable: (error: unknown) => boolean;
  /** The wait before retry number `retry` (1 for the first retry). */
  delayMs: (retry: number) => number;
  /** Called before each wait; throwing from it ends the loop with that error (e.g. the wait would pass a deadline). */
  beforeRetry?: (notice: RetryNotice) => void;
}

export interface RetryNotice {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Runs `attempt` (given its number, from 1) until it succeeds, fails with an error that is not retryable, or runs out of retries. */
export async function retry<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt(attempts);
    } catch (error) {
      if (attempts > policy.retries || !policy.retryable(error)) throw error;
      const delayMs = policy.delayMs(attempts);
      policy.beforeRetry?.({ attempt: attempts, delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** `baseMs`, then `factor` times more per retry: `baseMs * factor ** (retry - 1)`. */
export const exponentialDelay =
  (baseMs: number, factor: number) =>
  (retry: number): number =>
    baseMs * factor ** (retry - 1);
