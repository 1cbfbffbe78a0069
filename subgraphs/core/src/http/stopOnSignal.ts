import type { Logger } from '../logging/logger';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits (0 after a clean stop, 1 if it failed). Later
 * signals are ignored while it drains (a gateway worker gets Ctrl-C's SIGINT and its primary's SIGTERM).
 */
export function stopOnSignal(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
