import type { Logger } from '../logging/logger';

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits (0 after a clean stop, 1 if it failed). While it
 * drains, the other signal is ignored (a gateway worker gets Ctrl-C's SIGINT and its primary's
 * SIGTERM); the same signal again has no handler left and ends the process at once (a second Ctrl-C).
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
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
