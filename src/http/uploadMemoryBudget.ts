import type express from 'express';
import { ErrorCode } from '../errors';
import { refuse } from './refusal';

/**
 * Bytes that request bodies together may hold in memory. Each request reserves its declared length
 * before a byte is read and gives it back when its response closes (sent, failed or aborted), so the
 * total is bounded whatever clients do: a stalled upload holds its share until the body timeouts
 * close it, and nothing more.
 */
export class MemoryBudget {
  private used = 0;
  constructor(readonly capacity: number) {}

  get inUse(): number {
    return this.used;
  }

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.capacity) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export interface BodyBudgetOptions {
  budget: MemoryBudget;
  /** Largest multipart body: every file at its limit, plus the operations. */
  maxMultipartBytes: number;
  /** What a JSON body may take (express.json's limit): reserved when the length is not declared. */
  maxJsonBytes: number;
  retryAfterSeconds: number;
}

/**
 * Reserves a POST body's bytes in the shared budget before it is read. A multipart body must declare
 * its length (411 otherwise; browsers, curl and fetch all do) and stay under the largest request the
 * upload limits allow (413). A body that does not fit the budget now is refused at once with 503
 * OVERLOADED and `Retry-After`; Node then drains its bytes without keeping them.
 */
export function bodyMemoryBudget(options: BodyBudgetOptions): express.RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    let bytes: number;
    if (req.is('multipart/form-data')) {
      if (declared === undefined) return refuse(res, 411, ErrorCode.BadRequest, 'A multipart request must send Content-Length.');
      if (declared > options.maxMultipartBytes) {
        return refuse(res, 413, ErrorCode.BadRequest, `The request body is larger than the ${options.maxMultipartBytes} bytes the upload limits allow.`);
      }
      bytes = declared;
    } else {
      bytes = declared === undefined ? options.maxJsonBytes : Math.min(declared, options.maxJsonBytes);
    }
    if (!options.budget.tryReserve(bytes)) {
      return refuse(res, 503, ErrorCode.Overloaded, 'The gateway is holding as many uploaded bytes as it may; retry shortly.', {
        retryAfterSeconds: options.retryAfterSeconds,
      });
    }
    res.once('close', () => options.budget.release(bytes));
    next();
  };
}
