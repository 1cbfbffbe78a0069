import type { GraphQLDataSource } from '@apollo/gateway';
import type { Identity, Logger } from '@hub/runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { GatewayContext } from '../gatewayContext';
import { positionMarker, positionOf } from './positionMarker';
import { StreamPosition } from './streamPosition';
import type { SubscriberQueue } from './subscriberQueue';
import { executeSubscriptionEvent, type ClientOperation, type UpstreamEvent } from './subscriptionEventExecution';
import type { SubscriptionPlan, SubscriptionPlanner } from './subscriptionPlanner';

/** Why the gateway ended a client's subscription (also a metric label). */
export type EndReason = 'expired' | 'revoked' | 'slow_consumer' | 'upstream' | 'overloaded' | 'shutdown' | 'completed' | 'schema_reload';

/** One client subscription as the shared streams see it. */
export interface Subscriber {
  readonly identity: Identity | null;
  readonly context: GatewayContext;
  readonly queue: SubscriberQueue<ExecutionResult>;
  /** SSE subscribers get position markers (written as bare `id:` lines); WebSocket ones never do. */
  readonly receivesPositionMarkers: boolean;
  /** True when its connection has more unsent bytes than allowed (the queue alone cannot see that). */
  isBackedUp(): boolean;
  /** Ends it with an optional last result (the reason), dropping any backlog when told to. */
  end(reason: EndReason, lastResult?: ExecutionResult, discardBuffered?: boolean): void;
}

/** Upstream events waiting for one group's pipeline; past this the group is failing behind. */
const MAX_PENDING_EVENTS = 1_000;

export function errorResult(message: string, code: string, extra: Record<string, unknown> = {}): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, ...extra } })] };
}

type PendingItem =
  | { kind: 'event'; event: UpstreamEvent }
  | { kind: 'marker'; position: string }
  | { kind: 'end'; reason: EndReason; result?: ExecutionResult };

/**
 * Clients with the same document and variables on one upstream stream. Each event runs the rest
 * of the plan once for the whole group (with the token of the member whose token lives longest;
 * members share tenant and permissions, see the stream key) and is fanned out in order.
 */
export class ResultGroup {
  readonly members = new Set<Subscriber>();
  /**
   * Position of the last event or marker passed on (or, for a group that joined a running stream,
   * the stream's position then). An SSE member joining later starts from it: everything queued
   * behind it comes after.
   */
  position: string | undefined;
  private readonly pending: PendingItem[] = [];
  private draining = false;
  private finishing = false;

  constructor(
    /** Its key in the stream's groups; changes when a supergraph swap re-plans it. */
    public key: string,
    private planner: SubscriptionPlanner,
    private plan: SubscriptionPlan,
    readonly operation: ClientOperation,
    private services: (name: string) => GraphQLDataSource<GatewayContext> | undefined,
    private readonly onDelivered: (count: number) => void,
    private readonly logger: Logger,
  ) {}

  /** The plan events are resolved with. */
  get currentPlan(): SubscriptionPlan {
    return this.plan;
  }

  /** True once its members are being ended: no further events are taken. */
  get isFinishing(): boolean {
    return this.finishing;
  }

  /**
   * Resolves events with a re-planned plan from the next one on (an event being resolved finishes
   * on the old plan); the old generation's planner is no longer referenced from here.
   */
  switchPlan(planner: SubscriptionPlanner, plan: SubscriptionPlan, services: (name: string) => GraphQLDataSource<GatewayContext> | undefined): void {
    this.planner = planner;
    this.plan = plan;
    this.services = services;
  }

  enqueue(event: UpstreamEvent): void {
    // Members are already being ended: resolving later events would only cost entity fetches.
    if (this.finishing) return;
    if (this.pending.length >= MAX_PENDING_EVENTS) {
      this.pending.length = 0;
      this.finish('overloaded', errorResult('Subscription events arrive faster than they can be resolved', 'SUBSCRIPTION_OVERLOADED'));
      return;
    }
    this.pending.push({ kind: 'event', event });
    void this.drain();
  }

  /** A position marker, in order with the events around it. */
  enqueueMarker(position: string): void {
    this.pending.push({ kind: 'marker', position });
    void this.drain();
  }

  /** Ends every member after the events already received. */
  finish(reason: EndReason, result?: ExecutionResult): void {
    this.finishing = true;
    this.pending.push({ kind: 'end', reason, result });
    void this.drain();
  }

  private representative(): Subscriber | undefined {
    let chosen: Subscriber | undefined;
    for (const member of this.members) {
      if (!chosen || (member.identity?.expiresAt ?? 0) > (chosen.identity?.expiresAt ?? 0)) chosen = member;
    }
    return chosen;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let item = this.pending.shift(); item; item = this.pending.shift()) {
        if (item.kind === 'end') {
          for (const member of [...this.members]) member.end(item.reason, item.result);
          continue;
        }
        if (item.kind === 'marker') {
          this.position = item.position;
          const marker = positionMarker(item.position);
          // A full queue skips the marker: it only saves replay, and the next event ends a slow member anyway.
          for (const member of this.members) if (member.receivesPositionMarkers) member.queue.push(marker);
          continue;
        }
        const representative = this.representative();
        if (!representative) continue;
        const result = await this.resolve(item.event, representative.context);
        let delivered = 0;
        for (const member of [...this.members]) {
          if (!member.isBackedUp() && member.queue.push(result)) {
            delivered += 1;
          } else {
            member.end('slow_consumer', errorResult('Subscriber is too slow; events were not consumed in time', 'SLOW_CONSUMER'), true);
          }
        }
        this.onDelivered(delivered);
        this.position = positionOf(item.event) ?? this.position;
      }
    } finally {
      this.draining = false;
    }
  }

  private async resolve(event: UpstreamEvent, context: GatewayContext): Promise<ExecutionResult> {
    try {
      return await executeSubscriptionEvent(this.planner, this.plan, this.operation, event, context, this.services);
    } catch (error) {
      this.logger.error({ err: error }, 'subscription event could not be resolved');
      return errorResult('Subscription event could not be resolved', 'INTERNAL');
    }
  }
}

/**
 * One upstream subscription on the owning subgraph, shared by every result group whose primary
 * fetch, variables, tenant and permission set are identical (reference counted via the groups).
 * Its position drops duplicates and keeps the resume point that a re-subscribe sends upstream.
 */
export class SharedUpstreamStream {
  readonly groups = new Map<string, ResultGroup>();
  private dispose: (() => void) | null = null;
  ended = false;

  constructor(
    readonly key: string,
    readonly subgraph: string,
    /** Its `extension` belongs in the upstream subscribe payload (see StreamPosition). */
    readonly position: StreamPosition = new StreamPosition(),
  ) {}

  start(open: (sink: { next(event: UpstreamEvent): void; fail(result: ExecutionResult): void; complete(): void }) => () => void): void {
    this.dispose = open({
      next: (event) => {
        const verdict = this.position.classify(event);
        if (verdict.kind === 'skip') return;
        if (verdict.kind === 'marker') {
          for (const group of this.groups.values()) group.enqueueMarker(verdict.position);
          return;
        }
        for (const group of this.groups.values()) group.enqueue(event);
      },
      fail: (result) => {
        this.ended = true;
        for (const group of this.groups.values()) group.finish('upstream', result);
      },
      complete: () => {
        this.ended = true;
        for (const group of this.groups.values()) group.finish('completed');
      },
    });
  }

  stop(): void {
    this.ended = true;
    this.dispose?.();
    this.dispose = null;
  }
}
