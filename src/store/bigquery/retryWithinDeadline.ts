import { retry } from '../../retry';
import { DeadlineExceededError, isRetryable } from './bigQueryErrors';

/** A time budget shared by every attempt, poll and page of one query. */
export class Deadline {
  private readonly endsAt: number;

  constructor(readonly budgetMs: number) {
    this.endsAt = Date.now() + budgetMs;
  }

  remaining(): number {
    return Math.max(0, this.endsAt - Date.now());
  }

  get expired(): boolean {
    return this.remaining() === 0;
  }

  /**
   * `work`, or a `DeadlineReached` rejection when the budget runs out first. The client cannot abort
   * a request, so the losing `work` runs on; its late failure is swallowed rather than left unhandled.
   */
  race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeadlineReached()), this.remaining());
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Internal signal of `Deadline.race`; callers see `DeadlineExceededError`. */
export class DeadlineReached extends Error {
  override name = 'DeadlineReached';
}

export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  deadlineMs: number;
  /** First backoff; each retry doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: Error;
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, runs out of retries,
 * or the deadline passes (then `DeadlineExceededError`). Backoff is exponential with jitter (half
 * fixed, half random), so that clients that failed together do not retry together.
 */
export async function retryWithinDeadline<T>(attempt: (deadline: Deadline) => Promise<T>, policy: RetryPolicy, onRetry: (notice: RetryNotice) => void = () => {}): Promise<T> {
  const deadline = new Deadline(policy.deadlineMs);
  let attempts = 0;
  let lastError: Error | undefined;
  try {
    return await retry(
      (attemptNumber) => {
        attempts = attemptNumber;
        return deadline.race(attempt(deadline));
      },
      {
        retries: policy.maxRetries,
        retryable: (error) => !(error instanceof DeadlineReached) && isRetryable(error),
        delayMs: (retryNumber) => {
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
          return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
        },
        beforeRetry: ({ attempt: failed, delayMs, error }) => {
          lastError = error as Error;
          if (delayMs >= deadline.remaining()) throw new DeadlineExceededError(policy.deadlineMs, failed, lastError);
          onRetry({ attempt: failed, delayMs, error: lastError });
        },
      },
    );
  } catch (error) {
    if (error instanceof DeadlineReached) throw new DeadlineExceededError(policy.deadlineMs, attempts, lastError);
    throw error;
  }
}
