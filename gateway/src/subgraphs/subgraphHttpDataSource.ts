import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Pool } from 'undici';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import { callerKey } from '../callers/callerKey';
import { FairQueue, QueueRejectedError, type ReleaseSlot } from '../limits/fairQueue';
import { JsonPostError, postJson, type JsonAnswer } from './jsonPost';
import {
  composeSubgraphFetch,
  subgraphCallError,
  SubgraphTransportError,
  type SubgraphAnswer,
  type SubgraphCall,
  type SubgraphFetch,
  type SubgraphFetchPlugin,
  type SubgraphTarget,
} from './subgraphFetchPlugin';

export interface SubgraphHttpOptions {
  subgraph: SubgraphTarget;
  /** Longest wait for a new connection (the subgraph's deadline, at most 5 s). */
  connectTimeoutMs: number;
  connections: number;
  /** Calls one caller (tenant, or anonymous client address) may have in flight, and waiting. */
  tenantConcurrency: number;
  tenantQueue: number;
  /** Longest wait for a slot in the gateway before OVERLOADED. */
  queueTimeoutMs: number;
  /** Every call's steps, first to last (subgraphClients.ts assembles them). */
  plugins: readonly SubgraphFetchPlugin[];
  metrics?: GatewayMetrics;
}

/** One already serialized request to a subgraph, and what the fetch path needs to know about it. */
export interface SerializedSubgraphRequest {
  context: GatewayContext;
  operationName: string | null;
  /** Not a mutation: may be sent again after a transport failure. */
  retryable: boolean;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Everything but a mutation may be retried; a subscription's per-event entity fetches are queries. */
function isQuery(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  if (options.kind !== 'incoming operation') return true;
  return options.incomingRequestContext.operation?.operation !== 'mutation';
}

/**
 * A refused caller already has a full queue (or waited the whole queue timeout): it is told to come
 * back after about the time that queue takes to move, so well-behaved clients do not churn.
 */
function overloadedError(name: string, rejection: QueueRejectedError, queueTimeoutMs: number): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(queueTimeoutMs / 1000));
  const message =
    rejection.reason === 'queue_full'
      ? `Too many of your requests to "${name}" are waiting; retry later`
      : `Your request to "${name}" waited ${queueTimeoutMs} ms for a free slot; retry later`;
  return new GraphQLError(message, {
    extensions: { code: 'OVERLOADED', serviceName: name, reason: rejection.reason, retryAfter },
  });
}

/**
 * The transport of one subgraph, used by both executors (ours through `sendSerialized`, stock's
 * through `process`): a call takes a slot from the fair queue, runs the subgraph's fetch chain
 * (SubgraphFetchPlugin: spans, forwarded headers, deadline, retries, circuit breaker, metrics,
 * signing, then a deployment's own) and ends in one POST over pooled keep-alive HTTP (undici).
 *
 * The fair queue stays here, before the chain, because it is admission to this pool: its capacity
 * is the pool's connections (never more calls out than connections, so undici's own unfair queue
 * is never used), and a call's deadline, retries, breaker and span start only once it holds a
 * connection slot, so time spent queueing in the gateway is never counted as the subgraph's.
 */
export class SubgraphHttpDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly slots: FairQueue;
  private readonly pool: Pool;
  private readonly fetch: SubgraphFetch;

  constructor(private readonly options: SubgraphHttpOptions) {
    const url = new URL(options.subgraph.url);
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      // Idle sockets are dropped well before the subgraph's own keep-alive timeout (5 s in our
      // services): reusing a socket the server is closing would fail a mutation, which is never retried.
      keepAliveTimeout: 2_000,
      keepAliveMaxTimeout: 2_000,
      connectTimeout: options.connectTimeoutMs,
    });
    this.slots = new FairQueue({
      capacity: options.connections,
      perCaller: Math.min(options.tenantConcurrency, options.connections),
      queuePerCaller: options.tenantQueue,
      maxWaitMs: options.queueTimeoutMs,
    });
    this.fetch = composeSubgraphFetch(options.plugins, options.subgraph, (call) => this.post(call));
  }

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphAnswer> {
    const body = JSON.stringify({
      query: options.request.query,
      variables: options.request.variables,
      operationName: options.request.operationName,
    });
    return this.sendSerialized(body, { context: options.context as GatewayContext, operationName: options.request.operationName ?? null, retryable: isQuery(options) });
  }

  /**
   * Sends a GraphQL request body serialized by the caller (our executor serializes each request
   * once and uses the text as its in-flight key too). `retryable`: the operation is not a mutation.
   */
  async sendSerialized(body: string, request: SerializedSubgraphRequest): Promise<SubgraphAnswer> {
    const { name } = this.options.subgraph;
    let release: ReleaseSlot;
    try {
      release = await this.slots.acquire(callerKey(request.context).key);
    } catch (error) {
      if (!(error instanceof QueueRejectedError)) throw error;
      this.options.metrics?.subgraphQueueRejected(name, error.reason);
      throw overloadedError(name, error, this.options.queueTimeoutMs);
    }
    const call: SubgraphCall = {
      body,
      context: request.context,
      operationName: request.operationName,
      retryable: request.retryable,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      timeoutMs: 0,
    };
    try {
      return await this.fetch(call);
    } catch (error) {
      if (!(error instanceof SubgraphTransportError)) throw error;
      const code = error.reason === 'timeout' ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
      throw subgraphCallError(name, code, `Subgraph "${name}" did not answer (${error.reason})`);
    } finally {
      release();
    }
  }

  /** The end of the chain: one POST, answered by a GraphQL response or failed as a transport error. */
  private async post(call: SubgraphCall): Promise<SubgraphAnswer> {
    let answer: JsonAnswer;
    try {
      answer = await postJson(this.pool, { path: this.options.subgraph.path, headers: call.headers, body: call.body, timeoutMs: call.timeoutMs });
    } catch (error) {
      throw new SubgraphTransportError(String(error), error instanceof JsonPostError ? error.reason : 'unreachable');
    }
    if (RETRYABLE_STATUS.has(answer.statusCode)) throw new SubgraphTransportError(`HTTP ${answer.statusCode}`, 'bad_response');
    const parsed = answer.body;
    // Subgraphs answer GraphQL errors (also 4xx such as 401) as JSON; those are not transport failures.
    if (typeof parsed !== 'object' || parsed === null || (!('data' in parsed) && !('errors' in parsed))) {
      throw new SubgraphTransportError(`HTTP ${answer.statusCode} without a GraphQL body`, 'bad_response');
    }
    return parsed as SubgraphAnswer;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
