import type { Logger, TokenDenylist } from '@hub/core';
import { getOperationAST, GraphQLError, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
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
import { UpstreamPool, type UpstreamFailure } from './upstreamPool';

export interface FederatedSubscriptionsOptions {
  settings: SubscriptionSettings;
  clients: SubgraphClients;
  denylist: TokenDenylist;
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
  private nextResumeId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  private closing = false;

  constructor(private readonly options: FederatedSubscriptionsOptions) {
    this.pool = new UpstreamPool({
      restoreMs: options.settings.upstreamRestoreMs,
      connectionsPerSubgraph: options.settings.upstreamConnections,
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

    const planner = generation.subscriptionPlanner;
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
    const groupKey = [this.plannerId(planner), clientOperation.operationName ?? '', clientOperation.source, stableStringify(variables)].join('\u0000');

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
        (name) => {
          const url = planner.subgraphUrl(name);
          return url ? this.options.clients.get({ name, url }) : undefined;
        },
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
      if (group.members.size === 0) stream.groups.delete(group.key);
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
      for (const tokenId of await this.options.denylist.revokedAmong(this.byToken.tokenIds())) {
        for (const subscriber of this.byToken.subscribersOf(tokenId)) {
          subscriber.end('revoked', errorResult('The access token was revoked', 'UNAUTHENTICATED', { reason: 'TOKEN_REVOKED' }), true);
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, 'subscription token check failed');
    } finally {
      this.sweeping = false;
    }
  }
}
