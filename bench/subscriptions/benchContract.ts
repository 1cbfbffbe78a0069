import { channelFor } from '@hub/core';

/**
 * What every process of `bench:subscriptions` agrees on: the two bench subgraphs' contracts, the
 * documents the subscribers send, the event channel and the event's data.
 */
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated"])';

/** `ticks` is owned here; `Item` is only referenced, so its `name` needs the second subgraph. */
export const EVENTS_TYPE_DEFS = `${LINK}
  type Tick { seq: Int! publishedAt: Float! emittedAt: Float! item: Item! }
  type Item @key(fields: "id", resolvable: false) { id: ID! }
  type Query { benchEventsAlive: Boolean }
  type Subscription { ticks: Tick! @authenticated }
`;

export const ITEMS_TYPE_DEFS = `${LINK}
  type Item @key(fields: "id") { id: ID! name: String! resolvedAt: Float! }
`;

/**
 * Through the gateway: `item { name }` makes every event run the rest of the plan (an `_entities`
 * fetch). The timestamps split the latency into stages: `publishedAt` (publisher), `emittedAt`
 * (events subgraph resolves the event), `item.resolvedAt` (items subgraph resolves the entity).
 */
export const GATEWAY_DOCUMENT = 'subscription BenchTicks { ticks { seq publishedAt emittedAt item { id name resolvedAt } } }';
export const GATEWAY_STAGES = ['Redis + events subgraph', 'upstream + gateway to the entity fetch', 'entity reply + fan-out to the client'] as const;

/** Directly on the events subgraph: the same subscription, with the fields that subgraph owns. */
export const DIRECT_DOCUMENT = 'subscription BenchTicks { ticks { seq publishedAt emittedAt item { id } } }';
export const DIRECT_STAGES = ['Redis + events subgraph', 'events subgraph to the client'] as const;

export const TICK_EVENT_TYPE = 'bench.tick';

/** Per tenant, like every outbox event: `<type>.<orgId>`. */
export function tickChannel(orgId: string): string {
  return channelFor(TICK_EVENT_TYPE, orgId);
}

/** The CloudEvent `data` of one tick. */
export interface TickData {
  /** Per tenant: 0, 1, 2, ... in publish order; negative for warm-up events (not measured). */
  seq: number;
  /** `performance.timeOrigin + performance.now()` of the publisher, right before PUBLISH. */
  publishedAt: number;
  itemId: string;
}

export const WARM_UP_SEQ = -1;

export const TOKEN_ISSUER = 'urn:hub:plattform';
export const TOKEN_AUDIENCE = 'urn:hub:graph';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across local processes. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
