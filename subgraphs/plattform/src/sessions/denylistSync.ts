import type { BackgroundTask, Logger } from '@hub/core';
import type { SessionService } from './sessionService';

/**
 * Re-publishes recorded revocations to the shared denylist at start and then periodically, so
 * a Redis restart or a failed publish never lets a revoked token back in for long.
 */
export async function startDenylistSync(sessions: SessionService, intervalMs: number, logger: Logger): Promise<BackgroundTask> {
  const sync = async () => {
    try {
      const count = await sessions.syncDenylist();
      logger.debug({ count }, 'denylist synced');
    } catch (error) {
      logger.warn({ err: error }, 'denylist sync failed; will retry');
    }
  };
  await sync();
  const timer = setInterval(() => void sync(), intervalMs);
  timer.unref();
  return {
    stop: async () => clearInterval(timer),
  };
}
