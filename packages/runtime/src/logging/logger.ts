import pino, { type DestinationStream, type Logger } from 'pino';
import { envOptional, envString } from '../config/env';

export type { Logger };

/**
 * How log lines look (LOG_FORMAT): `json` (one object per line, for collectors) or `pretty`
 * (human-readable, for a person at a terminal). Unset: pretty only outside production when
 * stdout is a terminal, so `npm start` reads well and anything piped or deployed stays JSON.
 */
function prettyLogs(): boolean {
  const format = envOptional('LOG_FORMAT');
  if (format) return format === 'pretty';
  return envOptional('NODE_ENV') !== 'production' && process.stdout.isTTY === true;
}

let prettyStream: DestinationStream | undefined;

/** One pretty printer for every logger of the process (a development dependency, loaded only here). */
function prettyDestination(): DestinationStream {
  const pretty = require('pino-pretty') as (options: Record<string, unknown>) => DestinationStream;
  // Synchronous, so the last lines before process.exit are written.
  prettyStream ??= pretty({ sync: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service', messageKey: 'msg' });
  return prettyStream;
}

/** JSON logs on stdout (pretty at a development terminal, see prettyLogs); `LOG_LEVEL` (default `info`, tests use `silent`). */
export function createLogger(service: string): Logger {
  const options = {
    name: service,
    level: envString('LOG_LEVEL', 'info'),
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return prettyLogs() ? pino(options, prettyDestination()) : pino(options);
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
