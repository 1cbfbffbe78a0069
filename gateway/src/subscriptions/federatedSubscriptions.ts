import type { GraphQLDataSource } from '@apollo/gateway';
import type { Logger, TokenDenylist } from '@hub/runtime';
import { getOperationAST, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { SubscriptionSettings } from '../config';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import type { SubgraphClients } from '../subgraphs/subgraphClients';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';
import type { FederatedExecution } from '../execution/federatedExecution';
import { positionMarker } from './positionMarker';
import { clientResumePoint } from './resumePoint';
import { errorResult, ResultGroup, SharedUpstreamStream, type EndReason, type Subscriber } from './sharedUpstreamStream';
import { stableStringify } from './stableStringify';
import { StreamPosition } from './streamPosition';
import { disconnectSlowConsumer, overWebSocket, socketBackedUp, type SocketContext } from './subscriberSocket';
import { SubscriberQueue } from './subscriberQueue';
import type { ClientOperation } from './subscriptionEventExecution';
import { subscriptionPlannerFor, type SubscriptionPlan, type SubscriptionPlanner } from './subscriptionPlanner';
import { schemaReloadResult, SubscriptionReplanning } from './subscriptionReplan';
import { SubscriptionTokenSweep } from './subscriptionTokenSweep';
import { ANONYMOUS_TENANT, TenantSubscriptionQuota } from './tenantSubscriptionQuota';
import { upstreamFailureResult } from './upstreamFailureResult';
import { UpstreamPool } from './upstreamPool';
import { upstreamSubscriptionOf, type UpstreamSubscription } from './upstreamSubscription';

export interface FederatedSubscriptionsOptions {
  settings: SubscriptionSettings;
  clients: SubgraphClients;
  denylist: TokenDenylist;
  /** While the denylist is blind, subscriptions on older tokens end (as requests with them fail). */
  blindGraceSeconds: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** What a subscription's context holds besides the gateway's own: its params and request (yoga), its socket (WebSocket). */
interface SubscriptionContext extends GatewayContext, SocketContext {
  params?: { query?: string; extensions?: Record<string, unknown> | null };
  request?: Request;
}

/** Clients with equal keys share one result group: same planner, document and variables. */
function groupKeyOf(plannerId: number, operation: ClientOperation): string {
  return [plannerId, operation.operationName ?? '', operation.source, stableStringify(operation.variables)].join('\u0000');
}

/**
 * Federated subscriptions: plans each client subscription with the federation planner, runs the
 * primary as a shared upstream stream on the owning subgraph and resolves the rest of the plan
 * per event. This class keeps the bookkeeping of subscribers, result groups and upstream streams
 * (who shares what, and what is released when the last one leaves); per-tenant quotas
 * (TenantSubscriptionQuota), the token sweep (SubscriptionTokenSweep), re-planning on a
 * supergraph swap (SubscriptionReplanning) and the subscriber's WebSocket (subscriberSocket) are
 * modules of their own. Upstream streams track event positions, so a dropped upstream resumes
 * without loss or duplicates, and a client may resume from a position of its own (Last-Event-ID,
 * resumeFrom). Nothing here knows a field or a subgraph by name.
 */
export class FederatedSubscriptions {
  private readonly pool: UpstreamPool;
  private readonly streams = new Map<string, SharedUpstreamStream>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly quota: TenantSubscriptionQuota;
  private readonly tokenSweep: SubscriptionTokenSweep;
  private readonly replanning: SubscriptionReplanning;
  private readonly plannerIds = new WeakMap<object, number>();
  private nextPlannerId = 1;
  private nextResumeId = 1;
  private closing = false;

  constructor(private readonly options: FederatedSubscriptionsOptions) {
    this.pool = new UpstreamPool({
      restoreMs: options.settings.upstreamRestoreMs,
      connectionsPerSubgraph: options.settings.upstreamConnections,
      signer: options.clients.signer,
      metrics: options.metrics,
      logger: options.logger,
    });
    this.quota = new TenantSubscriptionQuota(options.settings.maxPerTenant);
    this.tokenSweep = new SubscriptionTokenSweep({
      denylist: options.denylist,
      blindGraceSeconds: options.blindGraceSeconds,
      intervalMs: options.settings.authCheckMs,
      logger: options.logger,
    });
    this.replanning = new SubscriptionReplanning(options.logger);
  }

  /** Counts for tests, benchmarks and /metrics. */
  stats(): { subscribers: number; upstreamStreams: number; upstreamConnections: Record<string, number> } {
    return { subscribers: this.subscribers.size, upstreamStreams: this.streams.size, upstreamConnections: this.pool.connectionCounts() };
  }

  subscribe(generation: SupergraphGeneration<FederatedExecution>, args: ExecutionArgs): ExecutionResult | AsyncIterableIterator<ExecutionResult> {
    if (this.closing) return errorResult('The gateway is shutting down; reconnect', 'GATEWAY_SHUTTING_DOWN');
    const context = args.contextValue as SubscriptionContext;
    const identity = context.identity;
    const tenant = identity?.orgId ?? ANONYMOUS_TENANT;
    const { queueSize, sharing } = this.options.settings;
    const overQuota = this.quota.refusal(tenant);
    if (overQuota) return overQuota;
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return errorResult('Could not determine which operation to run', 'BAD_USER_INPUT');
    const resume = clientResumePoint(context);
    if (!resume.ok) return errorResult(resume.message, 'BAD_USER_INPUT');

    const live = this.replanning.liveGeneration(generation, args.document, args.operationName ?? null, identity);
    if (!live) return schemaReloadResult();
    const planner = subscriptionPlannerFor(live);
    let plan;
    try {
      plan = planner.plan(args.document, args.operationName);
    } catch (error) {
      this.options.logger.error({ err: error }, 'subscription could not be planned');
      return errorResult('Subscription could not be planned', 'INTERNAL');
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const upstream = upstreamSubscriptionOf(plan, variables, context, tenant, sharing);
    // A resuming client replays from its own point, so it gets a stream of its own: never a live
    // one, and not another resumer's either (that one may already be past the replay).
    const streamKey = resume.resumeFrom === undefined ? upstream.sharedKey : [upstream.sharedKey, 'resume', resume.resumeFrom, this.nextResumeId++].join('\u0000');
    const clientOperation: ClientOperation = {
      document: args.document,
      operation,
      operationName: args.operationName ?? null,
      source: context.params?.query ?? print(args.document),
      variables,
    };
    const groupKey = groupKeyOf(this.plannerId(planner), clientOperation);

    const stream = this.streamFor(streamKey, upstream, resume.resumeFrom);
    let group = stream.groups.get(groupKey);
    if (!group) {
      group = new ResultGroup(
        groupKey,
        planner,
        plan,
        clientOperation,
        this.servicesOf(planner),
        (count) => this.options.metrics.subscriptionEvents.inc(count),
        this.options.logger,
      );
      // It sees only events after this point; what the stream saw before is not its business.
      group.position = stream.position.last;
      stream.groups.set(groupKey, group);
    }
    const subscriber = this.addSubscriber(stream, group, context, tenant, queueSize);
    return subscriber.queue;
  }

  /**
   * Graceful shutdown: every subscription ends with GATEWAY_SHUTTING_DOWN (SSE clients see it;
   * WebSocket clients are disconnected with 1001 by the transport first and resubscribe).
   */
  async close(): Promise<void> {
    this.closing = true;
    this.tokenSweep.stop();
    const result = errorResult('The gateway is shutting down; reconnect', 'GATEWAY_SHUTTING_DOWN');
    for (const subscriber of [...this.subscribers]) subscriber.end('shutdown', result, true);
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
    await this.pool.close();
  }

  /** A supergraph swap was applied: live subscriptions are re-planned on it (SubscriptionReplanning.swapped). */
  supergraphSwapped(generation: SupergraphGeneration<FederatedExecution>): void {
    this.replanning.swapped(generation, this.closing ? [] : this.streams.values(), (stream, group, planner, plan) => this.regroup(stream, group, planner, plan));
  }

  /** A re-planned group resolves the next event with the new plan, keyed so that new subscribers of the new generation join it. */
  private regroup(stream: SharedUpstreamStream, group: ResultGroup, planner: SubscriptionPlanner, plan: SubscriptionPlan): void {
    group.switchPlan(planner, plan, this.servicesOf(planner));
    this.rekey(stream, group, groupKeyOf(this.plannerId(planner), group.operation));
  }

  private rekey(stream: SharedUpstreamStream, group: ResultGroup, key: string): void {
    if (key === group.key) return;
    // Cannot happen while every group follows the current generation; if it did, the group would
    // just stay under its old key (new subscribers form their own group).
    if (stream.groups.has(key)) return;
    if (stream.groups.get(group.key) === group) stream.groups.delete(group.key);
    group.key = key;
    stream.groups.set(key, group);
  }

  /** Data sources for the rest of a plan, by the routing URLs of the planner's supergraph. */
  private servicesOf(planner: SubscriptionPlanner): (name: string) => GraphQLDataSource<GatewayContext> | undefined {
    return (name) => {
      const url = planner.subgraphUrl(name);
      return url ? this.options.clients.get({ name, url }) : undefined;
    };
  }

  private plannerId(planner: object): number {
    let id = this.plannerIds.get(planner);
    if (id === undefined) {
      id = this.nextPlannerId++;
      this.plannerIds.set(planner, id);
    }
    return id;
  }

  private streamFor(key: string, { subgraph, url, payload }: UpstreamSubscription, resumeFrom?: string): SharedUpstreamStream {
    const existing = this.streams.get(key);
    if (existing && !existing.ended) return existing;
    const position = new StreamPosition(resumeFrom);
    const stream = new SharedUpstreamStream(key, subgraph, position);
    this.streams.set(key, stream);
    this.options.metrics.upstreamStreams.inc({ subgraph });
    // `eventPositions` tells the subgraph the gateway tracks positions (it answers with a marker);
    // the object is the stream's own, updated in place as events arrive (see StreamPosition).
    const tracked = { ...payload, extensions: { ...payload.extensions, eventPositions: position.extension } };
    stream.start((sink) =>
      this.pool.subscribe({ name: subgraph, url }, tracked, {
        next: sink.next,
        error: (failure) => sink.fail(upstreamFailureResult(subgraph, failure)),
        complete: sink.complete,
      }),
    );
    return stream;
  }

  private addSubscriber(stream: SharedUpstreamStream, group: ResultGroup, context: SubscriptionContext, tenant: string, queueSize: number): Subscriber {
    const { metrics } = this.options;
    let endReason: EndReason | null = null;
    const queue = new SubscriberQueue<ExecutionResult>(queueSize, () => {
      this.subscribers.delete(subscriber);
      this.tokenSweep.remove(subscriber);
      group.members.delete(subscriber);
      this.quota.released(tenant);
      metrics.clientSubscriptions.dec();
      if (endReason && endReason !== 'completed') {
        metrics.subscriptionsEnded.inc({ reason: endReason });
        if (endReason !== 'shutdown') context.logger.info({ reason: endReason, subgraph: stream.subgraph }, 'subscription ended by the gateway');
      }
      if (group.members.size === 0 && stream.groups.get(group.key) === group) stream.groups.delete(group.key);
      if (stream.groups.size === 0) this.releaseStream(stream);
    });
    const { maxBufferedBytes } = this.options.settings;
    const subscriber: Subscriber = {
      identity: context.identity,
      context,
      queue,
      receivesPositionMarkers: !overWebSocket(context),
      isBackedUp: () => socketBackedUp(context, maxBufferedBytes),
      end: (reason, lastResult, discardBuffered = false) => {
        if (!queue.isOpen) return;
        endReason = reason;
        queue.end(lastResult, discardBuffered);
        if (reason === 'slow_consumer') disconnectSlowConsumer(context);
      },
    };
    group.members.add(subscriber);
    // An SSE client learns where it joined at once, so a reconnect before its first event resumes there.
    if (subscriber.receivesPositionMarkers && group.position !== undefined) queue.push(positionMarker(group.position));
    this.subscribers.add(subscriber);
    this.tokenSweep.add(subscriber);
    this.quota.taken(tenant);
    metrics.clientSubscriptions.inc();
    return subscriber;
  }

  private releaseStream(stream: SharedUpstreamStream): void {
    stream.stop();
    if (this.streams.get(stream.key) === stream) this.streams.delete(stream.key);
    this.options.metrics.upstreamStreams.dec({ subgraph: stream.subgraph });
  }
}
