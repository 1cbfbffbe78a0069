import type { GraphQLDataSource } from '@apollo/gateway';
import { REVOCATION_REFUSAL_REASONS, revocationRefusal, type Identity, type Logger, type TokenDenylist } from '@hub/runtime';
import { getOperationAST, GraphQLError, print, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { SubscriptionSettings } from '../config';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import type { SubgraphClients } from '../subgraphs/subgraphClients';
import type { SupergraphGeneration } from '../supergraph/supergraphGeneration';
import { positionMarker } from './positionMarker';
import { clientResumePoint } from './resumePoint';
import { errorResult, ResultGroup, SharedUpstreamStream, type EndReason, type Subscriber } from './sharedUpstreamStream';
import { stableStringify } from './stableStringify';
import { StreamPosition } from './streamPosition';
import { SubscriberQueue } from './subscriberQueue';
import { SubscribersByToken } from './subscribersByToken';
import type { ClientOperation } from './subscriptionEventExecution';
import type { SubscriptionPlanner } from './subscriptionPlanner';
import { mayRead, planOnGeneration, replanLive, schemaReloadResult } from './subscriptionReplan';
import { UpstreamPool, type UpstreamFailure } from './upstreamPool';

export interface FederatedSubscriptionsOptions {
  settings: SubscriptionSettings;
  clients: SubgraphClients;
  denylist: TokenDenylist;
  /** While the denylist is blind, subscriptions on older tokens end (as requests with them fail). */
  blindGraceSeconds: number;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** A WebSocket the subscription arrived on (set by the WebSocket transport in the context). */
interface SocketContext {
  socket?: { close(code: number, reason: string): void; readonly bufferedAmount: number };
  params?: { query?: string; extensions?: Record<string, unknown> | null };
  request?: Request;
}

const TRY_AGAIN_LATER = 1013;

/** Clients with equal keys share one result group: same planner, document and variables. */
function groupKeyOf(plannerId: number, operation: ClientOperation): string {
  return [plannerId, operation.operationName ?? '', operation.source, stableStringify(operation.variables)].join('\u0000');
}

function failureResult(subgraph: string, failure: UpstreamFailure): ExecutionResult {
  if (failure.kind === 'unavailable') {
    return errorResult(`Subgraph ${subgraph} is unavailable: ${failure.reason}`, 'SUBGRAPH_UNAVAILABLE', { serviceName: subgraph });
  }
  // The subgraph refused the operation (graphql-ws `error` message): its messages and codes pass on.
  return {
    errors: failure.errors.map((error) => {
      const code = (error.extensions as { code?: unknown } | undefined)?.code;
      return new GraphQLError(String(error.message ?? 'Subscription refused'), {
        extensions: { code: typeof code === 'string' ? code : 'SUBGRAPH_ERROR', serviceName: subgraph },
      });
    }),
  };
}

/**
 * Federated subscriptions: plans each client subscription with the federation planner, runs the
 * primary as a shared upstream stream on the owning subgraph and resolves the rest of the plan
 * per event. Enforces per-tenant limits, token expiry and revocation, and bounded client queues.
 * Upstream streams track event positions, so a dropped upstream resumes without loss or
 * duplicates, and a client may resume from a position of its own (Last-Event-ID, resumeFrom).
 * Nothing here knows a field or a subgraph by name.
 */
export class FederatedSubscriptions {
  private readonly pool: UpstreamPool;
  private readonly streams = new Map<string, SharedUpstreamStream>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly byToken = new SubscribersByToken();
  private readonly perTenant = new Map<string, number>();
  private readonly plannerIds = new WeakMap<object, number>();
  private nextPlannerId = 1;
  /** The generation the last supergraph swap made current (null until one is reported). */
  private generation: SupergraphGeneration | null = null;
  private nextResumeId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  private closing = false;

  constructor(private readonly options: FederatedSubscriptionsOptions) {
    this.pool = new UpstreamPool({
      restoreMs: options.settings.upstreamRestoreMs,
      connectionsPerSubgraph: options.settings.upstreamConnections,
      signer: options.clients.signer,
      metrics: options.metrics,
      logger: options.logger,
    });
    this.sweeper = setInterval(() => void this.checkTokens(), options.settings.authCheckMs);
    this.sweeper.unref();
  }

  /** Counts for tests, benchmarks and /metrics. */
  stats(): { subscribers: number; upstreamStreams: number; upstreamConnections: Record<string, number> } {
    return { subscribers: this.subscribers.size, upstreamStreams: this.streams.size, upstreamConnections: this.pool.connectionCounts() };
  }

  subscribe(generation: SupergraphGeneration, args: ExecutionArgs): ExecutionResult | AsyncIterableIterator<ExecutionResult> {
    if (this.closing) return errorResult('The gateway is shutting down; reconnect', 'GATEWAY_SHUTTING_DOWN');
    const context = args.contextValue as GatewayContext & SocketContext;
    const identity = context.identity;
    const tenant = identity?.orgId ?? 'anonymous';
    const { maxPerTenant, queueSize, sharing } = this.options.settings;
    if ((this.perTenant.get(tenant) ?? 0) >= maxPerTenant) {
      return errorResult(`At most ${maxPerTenant} open subscriptions per organization`, 'SUBSCRIPTION_LIMIT', { limit: maxPerTenant });
    }
    const operation = getOperationAST(args.document, args.operationName);
    if (!operation) return errorResult('Could not determine which operation to run', 'BAD_USER_INPUT');
    const resume = clientResumePoint(context);
    if (!resume.ok) return errorResult(resume.message, 'BAD_USER_INPUT');

    const live = this.liveGeneration(generation, args.document, args.operationName ?? null, identity);
    if (!live) return schemaReloadResult();
    const planner = live.subscriptionPlanner;
    let plan;
    try {
      plan = planner.plan(args.document, args.operationName);
    } catch (error) {
      this.options.logger.error({ err: error }, 'subscription could not be planned');
      return errorResult('Subscription could not be planned', 'INTERNAL');
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const upstreamVariables = Object.fromEntries((plan.primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]));
    const scopes = [...(identity?.scopes ?? [])].sort().join(' ');
    const sharedKey = [plan.primary.serviceName, plan.subgraphUrl, plan.primary.operation, stableStringify(upstreamVariables), tenant, sharing === 'user' ? (identity?.userId ?? '') : '', scopes].join('\u0000');
    // A resuming client replays from its own point, so it gets a stream of its own: never a live
    // one, and not another resumer's either (that one may already be past the replay).
    const streamKey = resume.resumeFrom === undefined ? sharedKey : [sharedKey, 'resume', resume.resumeFrom, this.nextResumeId++].join('\u0000');
    const clientOperation: ClientOperation = {
      document: args.document,
      operation,
      operationName: args.operationName ?? null,
      source: context.params?.query ?? print(args.document),
      variables,
    };
    const groupKey = groupKeyOf(this.plannerId(planner), clientOperation);

    const stream = this.streamFor(
      streamKey,
      plan.primary.serviceName,
      plan.subgraphUrl,
      {
        query: plan.primary.operation,
        operationName: plan.primary.operationName,
        variables: upstreamVariables,
        extensions: { headers: { authorization: context.authorization ?? undefined, 'x-request-id': context.requestId } },
      },
      resume.resumeFrom,
    );
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
    clearInterval(this.sweeper);
    const result = errorResult('The gateway is shutting down; reconnect', 'GATEWAY_SHUTTING_DOWN');
    for (const subscriber of [...this.subscribers]) subscriber.end('shutdown', result, true);
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
    await this.pool.close();
  }

  /**
   * A supergraph swap was applied: every live result group is re-planned on the new generation.
   * A group whose document is still valid there and whose primary fetch is unchanged keeps its
   * members and upstream stream and resolves the next event with the new plan (re-keyed, so new
   * subscribers of the new generation join it); any other group ends with SUBSCRIPTION_SCHEMA_RELOAD
   * after the events already received. Runs synchronously within the swap.
   */
  supergraphSwapped(generation: SupergraphGeneration): void {
    this.generation = generation;
    if (this.closing) return;
    const { logger } = this.options;
    let kept = 0;
    let ended = 0;
    for (const stream of this.streams.values()) {
      for (const group of [...stream.groups.values()]) {
        if (group.isFinishing || group.members.size === 0) continue;
        const outcome = replanLive(generation, group.operation.document, group.operation.operationName, group.currentPlan);
        if ('refused' in outcome) {
          logger.info({ subgraph: stream.subgraph, subscribers: group.members.size, reason: outcome.refused }, 'subscriptions end on the new supergraph');
          ended += group.members.size;
          group.finish('schema_reload', schemaReloadResult());
          continue;
        }
        // The new generation's access rules apply to subscriptions already open, too.
        for (const member of [...group.members]) {
          if (mayRead(generation, group.operation.document, member.identity)) {
            kept += 1;
          } else {
            ended += 1;
            member.end('schema_reload', schemaReloadResult());
          }
        }
        const planner = generation.subscriptionPlanner;
        group.switchPlan(planner, outcome.plan, this.servicesOf(planner));
        this.rekey(stream, group, groupKeyOf(this.plannerId(planner), group.operation));
      }
    }
    if (kept + ended > 0) logger.info({ kept, ended }, 'live subscriptions re-planned on the new supergraph');
  }

  /**
   * The generation a subscription runs on: the one that validated it, unless a swap has replaced
   * that since (a request may be validated just before one); then the current one, where it must
   * validate and be permitted again. Undefined when it cannot run there.
   */
  private liveGeneration(requested: SupergraphGeneration, document: DocumentNode, operationName: string | null, identity: Identity | null): SupergraphGeneration | undefined {
    const current = this.generation;
    if (!current || current === requested) return requested;
    if ('refused' in planOnGeneration(current, document, operationName) || !mayRead(current, document, identity)) return undefined;
    return current;
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

  private streamFor(key: string, subgraph: string, url: string, payload: Parameters<UpstreamPool['subscribe']>[1], resumeFrom?: string): SharedUpstreamStream {
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
        error: (failure) => sink.fail(failureResult(subgraph, failure)),
        complete: sink.complete,
      }),
    );
    return stream;
  }

  private addSubscriber(stream: SharedUpstreamStream, group: ResultGroup, context: GatewayContext & SocketContext, tenant: string, queueSize: number): Subscriber {
    const { metrics } = this.options;
    let endReason: EndReason | null = null;
    const queue = new SubscriberQueue<ExecutionResult>(queueSize, () => {
      this.subscribers.delete(subscriber);
      this.byToken.remove(subscriber);
      group.members.delete(subscriber);
      this.perTenant.set(tenant, (this.perTenant.get(tenant) ?? 1) - 1);
      if ((this.perTenant.get(tenant) ?? 0) <= 0) this.perTenant.delete(tenant);
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
      receivesPositionMarkers: context.socket === undefined,
      // Node accepts writes into its own socket buffer without limit; what a slow WebSocket client
      // has not taken yet is visible only here.
      isBackedUp: () => (context.socket?.bufferedAmount ?? 0) > maxBufferedBytes,
      end: (reason, lastResult, discardBuffered = false) => {
        if (!queue.isOpen) return;
        endReason = reason;
        queue.end(lastResult, discardBuffered);
        // A slow WebSocket client is disconnected: its socket buffer is what is backing up.
        if (reason === 'slow_consumer') context.socket?.close(TRY_AGAIN_LATER, 'Subscriber too slow');
      },
    };
    group.members.add(subscriber);
    // An SSE client learns where it joined at once, so a reconnect before its first event resumes there.
    if (subscriber.receivesPositionMarkers && group.position !== undefined) queue.push(positionMarker(group.position));
    this.subscribers.add(subscriber);
    this.byToken.add(subscriber);
    this.perTenant.set(tenant, (this.perTenant.get(tenant) ?? 0) + 1);
    metrics.clientSubscriptions.inc();
    return subscriber;
  }

  private releaseStream(stream: SharedUpstreamStream): void {
    stream.stop();
    if (this.streams.get(stream.key) === stream) this.streams.delete(stream.key);
    this.options.metrics.upstreamStreams.dec({ subgraph: stream.subgraph });
  }

  /** Ends subscriptions whose token expired or was revoked (checked every `authCheckMs`). */
  private async checkTokens(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const subscriber of this.byToken.expired(Date.now())) {
        subscriber.end('expired', errorResult('The access token expired; subscribe again with a fresh token', 'UNAUTHENTICATED', { reason: 'TOKEN_EXPIRED' }), true);
      }
      // One bulk lookup: with one command per token, 10,000 subscribers meant a burst of 10,000
      // Redis writes every 2 s that blocked event delivery for ~100 ms (more on a busy machine).
      const lookup = await this.options.denylist.lookup(this.byToken.tokenIds());
      const now = Date.now();
      for (const token of this.byToken.heldTokens()) {
        const refusal = revocationRefusal(token, lookup, this.options.blindGraceSeconds, now);
        if (!refusal) continue;
        const message =
          refusal === 'revoked'
            ? 'The access token was revoked'
            : 'Token revocation cannot be checked right now; subscribe again with a fresh token';
        for (const subscriber of this.byToken.subscribersOf(token.tokenId)) {
          subscriber.end('revoked', errorResult(message, 'UNAUTHENTICATED', { reason: REVOCATION_REFUSAL_REASONS[refusal] }), true);
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'subscription token check failed');
    } finally {
      this.sweeping = false;
    }
  }
}
