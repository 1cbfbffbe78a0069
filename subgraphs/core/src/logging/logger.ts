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
