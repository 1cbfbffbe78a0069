import type { BackgroundTask, Logger, TenantDatabase } from '@hub/core';
import type { DataSource } from 'typeorm';
import type { TaskQueue } from './taskQueue';

export interface LeaseSweepResult {
  tenants: number;
  requeuedOrFailed: number;
}

/**
 * Returns tasks with expired leases to the queue. Finding them crosses tenants, which the app role
 * cannot do under RLS: the SECURITY DEFINER function `agent.tenants_with_expired_leases()` reveals
 * only which tenants have some, and each tenant is then handled in its own RLS-pinned transaction
 * through the ordinary queue code (events, retry limits and pipelines included).
 */
export class LeaseSweeper implements BackgroundTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly database: TenantDatabase,
    private readonly queue: TaskQueue,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): this {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweepOnce()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'lease sweep failed; retrying on the next tick'))
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  async sweepOnce(): Promise<LeaseSweepResult> {
    const tenants: Array<{ org_id: string }> = await this.dataSource.query('SELECT org_id FROM tenants_with_expired_leases()');
    let requeuedOrFailed = 0;
    for (const { org_id: orgId } of tenants) {
      const expired = await this.database.run({ orgId, userId: null }, (unit) => this.queue.expireLeases(unit));
      requeuedOrFailed += expired.length;
    }
    if (requeuedOrFailed > 0) this.logger.info({ tenants: tenants.length, requeuedOrFailed }, 'expired leases swept');
    return { tenants: tenants.length, requeuedOrFailed };
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
