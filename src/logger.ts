import pino from 'pino';

/**
 * One structured JSON logger for the whole process. Redaction is a last line of defence:
 * callers must not put credentials or image bytes into log fields in the first place.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'openimages-gateway' },
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', '*.credentials', '*.private_key', '*.token', '*.buffer', '*.bytes'],
    censor: '[redacted]',
  },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export type Logger = typeof logger;
