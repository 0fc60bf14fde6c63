/**
 * Faults a test schedules on the fake: each applies to the next N responses of the query routes
 * (jobs.query, getQueryResults), in the order they were scheduled.
 */
export type Fault =
  /** An error reply, e.g. 500 backendError, 503 backendError, 429 or 403 rateLimitExceeded, 400 invalidQuery. */
  | { kind: 'error'; status: number; reason: string; message?: string }
  /** The reply is sent after `ms`. */
  | { kind: 'slow'; ms: number }
  /** A 200 reply whose body is not valid JSON (a truncated document). */
  | { kind: 'malformed' }
  /** A normal reply: schedules a later fault after this many good ones. */
  | { kind: 'none' };

export class FaultPlan {
  private readonly queue: Array<{ fault: Fault; remaining: number }> = [];

  /** `fault` for the next `times` responses (after the faults already scheduled). */
  add(fault: Fault, times = 1): void {
    if (times > 0) this.queue.push({ fault, remaining: times });
  }

  /** The fault for the response being prepared, if any; consumes one use. */
  take(): Fault | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.queue.shift();
    return head.fault;
  }

  clear(): void {
    this.queue.length = 0;
  }
}
