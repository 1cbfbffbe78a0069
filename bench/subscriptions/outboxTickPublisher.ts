import { setTimeout as sleep } from 'node:timers/promises';
import type { TenantDatabase } from '@hub/core';
import { preciseNow, TICK_EVENT_TYPE, WARM_UP_SEQ, type TickData } from './benchContract';

export interface OutboxPublishReport {
  /** Measured ticks committed to the outbox, per tenant index. */
  perTenant: number[];
  total: number;
  seconds: number;
  /** How far the schedule fell behind at worst (ms), writes waiting for their tenant's previous one included. */
  maxLagMs: number;
  /** Writes that failed (not in the outbox, so not expected by anyone); the first error. */
  failed: number;
  firstError: string | null;
}

/**
 * Writes ticks into the resumable subgraph's outbox the way a hub service emits events: one
 * `TenantDatabase.run` transaction per tick, as the tick's tenant, with `unit.emit`. Publishing is
 * left to the subgraph's outbox relay, so while that process is dead the ticks wait in the outbox.
 *
 * Ticks go round-robin over the tenants at a fixed rate until `stop()`. One tenant's writes are
 * chained (the next starts after the previous committed): the relay numbers rows in the order they
 * become visible, so this keeps each tenant's tick `seq` order equal to its event-log order, which
 * is what the subscribers check. `data.publishedAt` is taken when the write starts.
 */
export class OutboxTickPublisher {
  private readonly tails: Array<Promise<void>>;
  private readonly perTenant: number[];
  private readonly writtenAt: number[] = [];
  private running: Promise<void> | null = null;
  private stopping = false;
  private startedAt = 0;
  private maxLagMs = 0;
  private failed = 0;
  private firstError: string | null = null;

  constructor(
    private readonly database: TenantDatabase,
    private readonly orgIds: readonly string[],
  ) {
    this.tails = orgIds.map(() => Promise.resolve());
    this.perTenant = orgIds.map(() => 0);
  }

  /** One warm-up tick (not measured) to each of `tenants`, committed before this resolves. */
  async warmUp(tenants: readonly number[]): Promise<void> {
    await Promise.all(tenants.map((tenant) => this.write(tenant, WARM_UP_SEQ)));
  }

  /** Starts writing `eventsPerSecond` ticks; a late tick is written at once, never skipped. */
  start(eventsPerSecond: number): void {
    if (this.running) throw new Error('the publisher is already running');
    this.startedAt = performance.now();
    this.running = this.schedule(1000 / eventsPerSecond);
  }

  /** Stops scheduling, waits for every write in flight, and reports. */
  async stop(): Promise<OutboxPublishReport> {
    this.stopping = true;
    await this.running;
    await Promise.all(this.tails);
    const total = this.perTenant.reduce((sum, count) => sum + count, 0);
    return {
      perTenant: [...this.perTenant],
      total,
      seconds: (performance.now() - this.startedAt) / 1000,
      maxLagMs: this.maxLagMs,
      failed: this.failed,
      firstError: this.firstError,
    };
  }

  /** Measured ticks whose write started in [from, to) (preciseNow clock), committed or not yet. */
  writtenBetween(from: number, to: number): number {
    return this.writtenAt.filter((at) => at >= from && at < to).length;
  }

  private async schedule(intervalMs: number): Promise<void> {
    const scheduled = this.orgIds.map(() => 0);
    for (let index = 0; !this.stopping; index += 1) {
      const due = this.startedAt + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (this.stopping) return;
      const tenant = index % this.orgIds.length;
      const seq = scheduled[tenant]!;
      scheduled[tenant] = seq + 1;
      this.tails[tenant] = this.tails[tenant]!.then(async () => {
        this.maxLagMs = Math.max(this.maxLagMs, performance.now() - due);
        try {
          await this.write(tenant, seq);
          this.perTenant[tenant]! += 1;
        } catch (error) {
          this.failed += 1;
          this.firstError ??= error instanceof Error ? error.message : String(error);
        }
      });
    }
  }

  private write(tenant: number, seq: number): Promise<void> {
    const orgId = this.orgIds[tenant]!;
    const publishedAt = preciseNow();
    if (seq !== WARM_UP_SEQ) this.writtenAt.push(publishedAt);
    const data: TickData = { seq, publishedAt, itemId: `item-${tenant}-${seq}` };
    return this.database.run({ orgId, userId: null }, (unit) => unit.emit({ type: TICK_EVENT_TYPE, data: data as unknown as Record<string, unknown> }));
  }
}
