import type { BackgroundTask, Logger, OutboxRelay, TokenDenylist } from '@hub/core';
import { TOKEN_REVOKED_EVENT, type SessionService } from './sessionService';

export interface DenylistLeaseOptions {
  sessions: SessionService;
  denylist: TokenDenylist;
  outbox: OutboxRelay;
  /** Lease length; renewed five times per lease, so one slow round does not let it lapse. */
  leaseMs: number;
  logger: Logger;
}

/**
 * Keeps the denylist's completeness lease while every recorded revocation is on it: renewed only
 * when the outbox holds no undelivered revocation; when the lease is gone (Redis restarted, or
 * it lapsed during an outage) every unexpired revocation is re-published from PostgreSQL first.
 * Readers trust the denylist only under the lease, so neither a Redis that came back empty nor
 * a revocation stuck in the outbox lets a revoked token through for longer than one lease.
 */
export async function keepDenylistLease(options: DenylistLeaseOptions): Promise<BackgroundTask> {
  const { sessions, denylist, outbox, leaseMs, logger } = options;
  let running: Promise<void> | null = null;
  const keepLease = async (): Promise<void> => {
    try {
      if (await outbox.hasPending(TOKEN_REVOKED_EVENT)) {
        // Redis may just be back: deliver now rather than after the relay's back-off.
        outbox.retryNow();
        return;
      }
      if (await denylist.renewCompleteness(leaseMs)) return;
      const ticket = await denylist.beginRebuild();
      const count = await sessions.syncDenylist();
      // A revocation committed during the rebuild may have missed its snapshot: wait for the relay.
      if (await outbox.hasPending(TOKEN_REVOKED_EVENT)) return;
      if (await denylist.completeRebuild(ticket, leaseMs)) logger.info({ count }, 'denylist rebuilt; completeness lease granted');
    } catch (error) {
      logger.debug({ err: error }, 'denylist lease not renewed; will retry');
    }
  };
  const tick = () => {
    running ??= keepLease().finally(() => (running = null));
    return running;
  };
  await tick();
  const timer = setInterval(() => void tick(), Math.max(50, Math.floor(leaseMs / 5)));
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
