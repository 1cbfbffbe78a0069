import { setTimeout as sleep } from 'node:timers/promises';
import { toCloudEvent, type EventBus } from '@hub/core';
import { preciseNow, TICK_EVENT_TYPE, tickChannel, WARM_UP_SEQ, type TickData } from './benchContract';

export interface PublishReport {
  /** Measured ticks published per tenant index. */
  perTenant: number[];
  total: number;
  seconds: number;
  /** How far the publisher fell behind its schedule at worst (ms). */
  maxLagMs: number;
}

/**
 * Publishes ticks to Redis the way the outbox relay publishes events: a CloudEvents envelope on
 * `<type>.<orgId>`, with the publish time in `data.publishedAt` (taken before the envelope is
 * built, so envelope and PUBLISH count as latency). Events go round-robin over the tenants.
 */
export class TickPublisher {
  constructor(
    private readonly bus: EventBus,
    private readonly orgIds: readonly string[],
  ) {}

  /** One warm-up tick (not measured) to each of `tenants`. */
  async warmUp(tenants: readonly number[]): Promise<void> {
    await Promise.all(tenants.map((tenant) => this.publish(tenant, WARM_UP_SEQ)));
  }

  /** `eventsPerSecond` ticks for `seconds`, on a fixed schedule (a late tick is sent at once, never skipped). */
  async run(eventsPerSecond: number, seconds: number): Promise<PublishReport> {
    const total = Math.round(eventsPerSecond * seconds);
    const perTenant = new Array<number>(this.orgIds.length).fill(0);
    const intervalMs = 1000 / eventsPerSecond;
    const sends: Array<Promise<void>> = [];
    const started = performance.now();
    let maxLagMs = 0;
    for (let index = 0; index < total; index += 1) {
      const due = started + index * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      const tenant = index % this.orgIds.length;
      sends.push(this.publish(tenant, perTenant[tenant]!));
      perTenant[tenant]! += 1;
    }
    await Promise.all(sends);
    return { perTenant, total, seconds: (performance.now() - started) / 1000, maxLagMs };
  }

  private publish(tenant: number, seq: number): Promise<void> {
    const orgId = this.orgIds[tenant]!;
    const data: TickData = { seq, publishedAt: preciseNow(), itemId: `item-${tenant}-${seq}` };
    const envelope = toCloudEvent({
      source: 'hub.bench',
      type: TICK_EVENT_TYPE,
      time: new Date(),
      orgId,
      data: data as unknown as Record<string, unknown>,
    });
    return this.bus.publish(tickChannel(orgId), envelope);
  }
}
