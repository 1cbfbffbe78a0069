import pino, { type Logger } from 'pino';
import { envString } from '../config/env';

export type { Logger };

/** JSON logs on stdout; `LOG_LEVEL` (default `info`, tests use `silent`). */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: envString('LOG_LEVEL', 'info'),
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/**
 * Adapts pino to yoga's logger. Yoga logs at `error` every error it hands to `maskError`; that
 * includes expected domain errors, and unexpected ones are already logged by toGraphQLError with
 * context, so yoga's copy goes to `debug`.
 */
export function yogaLogger(logger: Logger) {
  const line = (args: unknown[]) => args.map(String).join(' ');
  return {
    debug: (...args: unknown[]) => logger.debug(line(args)),
    info: (...args: unknown[]) => logger.info(line(args)),
    warn: (...args: unknown[]) => logger.warn(line(args)),
    error: (...args: unknown[]) => logger.debug(line(args)),
  };
}
