import type express from 'express';
import type { ErrorCode } from '../errors';

/**
 * Answers a request refused before GraphQL runs, in GraphQL's error shape with a code. 503s carry
 * `Retry-After`, so that load balancers and clients back off instead of retrying at once.
 */
export function refuse(res: express.Response, status: number, code: ErrorCode, message: string, options: { retryAfterSeconds?: number; close?: boolean } = {}): void {
  if (res.headersSent) return;
  if (options.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(options.retryAfterSeconds));
  if (options.close) res.setHeader('connection', 'close');
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
