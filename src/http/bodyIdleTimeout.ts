import type express from 'express';
import { ErrorCode } from '../errors';
import { logger } from '../logger';
import { refuse } from './refusal';

/**
 * Closes a request whose body stops arriving for `idleMs`: a client that stalls half-way through an
 * upload would otherwise hold its connection, and the bytes buffered so far, until REQUEST_TIMEOUT_MS.
 * Progress is read from the socket's byte count, so the body stream itself is left alone (the JSON and
 * multipart parsers own it).
 */
export function bodyIdleTimeout(idleMs: number): express.RequestHandler {
  const checkEvery = Math.max(25, Math.min(1000, Math.floor(idleMs / 4)));
  return (req, res, next) => {
    if (req.complete || !hasBody(req)) return next();
    const socket = req.socket;
    let lastBytes = socket.bytesRead;
    let lastProgress = Date.now();
    const timer = setInterval(() => {
      if (req.complete) return stop();
      if (socket.bytesRead !== lastBytes) {
        lastBytes = socket.bytesRead;
        lastProgress = Date.now();
        return;
      }
      if (Date.now() - lastProgress < idleMs) return;
      stop();
      logger.warn({ requestId: res.locals.requestId, idleMs }, 'request body stalled: closing the connection');
      if (res.headersSent) return void socket.destroy();
      res.once('finish', () => socket.destroy());
      refuse(res, 408, ErrorCode.RequestTimeout, `The request body stalled for ${idleMs} ms.`, { close: true });
    }, checkEvery);
    timer.unref();
    const stop = () => clearInterval(timer);
    res.once('close', stop);
    next();
  };
}

function hasBody(req: express.Request): boolean {
  return req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) > 0 : req.headers['transfer-encoding'] !== undefined;
}
