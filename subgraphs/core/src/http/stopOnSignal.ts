import type { Logger } from '../logging/logger';

/** Runs `stop` once on SIGTERM or SIGINT, then exits (0 after a clean stop, 1 if it failed). */
export function stopOnSignal(stop: () => Promise<void>, logger: Logger): void {
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
