import pino from 'pino';
import { loggingConfig } from './config';
import { isGatewayError } from './errors';

/**
 * One structured logger for the whole process: JSON lines by default (for log collectors), readable
 * lines on a terminal or with LOG_FORMAT=pretty. Redaction is a last line of defence: callers must not
 * put credentials or image bytes into log fields in the first place.
 *
 * It is built when first imported, before main() loads the configuration, so its settings come from
 * src/config/'s lenient reader (loggingConfig); loadConfig() then refuses a bad LOG_LEVEL / LOG_FORMAT with one line.
 */
const { level, format } = loggingConfig();

/** Errors the gateway expects (bad configuration, bad input, typed failures): their stacks help nobody. */
const EXPECTED_ERRORS = new Set(['ConfigError', 'DatasetLayoutError', 'UsageError', 'CliFailure']);

function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (error instanceof Error && (isGatewayError(error) || EXPECTED_ERRORS.has(error.name))) {
    delete serialized.stack;
  }
  return serialized;
}

const options: pino.LoggerOptions = {
  level,
  base: { service: 'openimages-gateway' },
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', '*.credentials', '*.private_key', '*.token', '*.buffer', '*.bytes'],
    censor: '[redacted]',
  },
  serializers: { err: serializeError },
  timestamp: pino.stdTimeFunctions.isoTime,
};

function prettyStream(): pino.DestinationStream {
  // Loaded only when used: JSON output, the default for servers, does not pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when LOG_FORMAT=pretty; a static import would load it for every server
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({ sync: true, colorize: Boolean(process.stdout.isTTY), ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' });
}

export const logger = format === 'pretty' ? pino(options, prettyStream()) : pino(options);

export type Logger = typeof logger;
