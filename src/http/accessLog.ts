import type express from 'express';
import { logger } from '../logger';

/** Fields the GraphQL pipeline adds to a request's access-log line (operation, status, error codes). */
export type AccessLogFields = Record<string, unknown>;

/**
 * One JSON line per GraphQL request, written when the response is closed, with the HTTP status that
 * was actually sent: a request refused before GraphQL (400, 408, 413, 503) or a response that failed
 * while it was written is logged as what the client got, not as what the pipeline meant to send.
 */
export function accessLog(): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const fields: AccessLogFields = {};
    res.locals.accessLog = fields;
    res.once('close', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      logger.info(
        {
          requestId: res.locals.requestId,
          method: req.method,
          operationName: null,
          durationMs,
          ...fields,
          httpStatus: res.headersSent ? res.statusCode : null,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'graphql request',
      );
    });
    next();
  };
}
