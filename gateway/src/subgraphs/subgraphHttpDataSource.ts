import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { injectTraceContext, inSpan, REQUEST_ID_HEADER, tracingStarted } from '@hub/runtime';
import { SpanKind } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { Pool } from 'undici';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import { callerKey } from '../limits/callerKey';
import { CircuitBreaker } from './circuitBreaker';
import { FairQueue, QueueRejectedError, type ReleaseSlot } from '../limits/fairQueue';
import { JsonPostError, postJson, type JsonAnswer } from './jsonPost';
import type { SubgraphRequestSigner } from './subgraphRequestSigner';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SubgraphHttpOptions {
  name: string;
  url: string;
  timeoutMs: number;
  queryRetries: number;
  connections: number;
  /** Calls one caller (tenant, or anonymous client address) may have in flight, and waiting. */
  tenantConcurrency: number;
  tenantQueue: number;
  /** Longest wait for a slot in the gateway before OVERLOADED. */
  queueTimeoutMs: number;
  breakerFailureThreshold: number;
  breakerResetMs: number;
  signer: SubgraphRequestSigner;
  metrics?: GatewayMetrics;
}

/** One already serialized request to a subgraph, and what the fetch path needs to know about it. */
export interface SerializedSubgraphRequest {
  context: GatewayContext;
  operationName: string | null;
  /** Not a mutation: may be sent again after a transport failure. */
  retryable: boolean;
}

/** A failure of the transport (not a GraphQL error the subgraph answered with). */
class SubgraphTransportError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unreachable' | 'bad_response',
  ) {
    super(message);
  }
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Everything but a mutation may be retried; a subscription's per-event entity fetches are queries. */
function isQuery(options: GraphQLDataSourceProcessOptions<GatewayContext>): boolean {
  if (options.kind !== 'incoming operation') return true;
  return options.incomingRequestContext.operation?.operation !== 'mutation';
}

function subgraphError(name: string, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, serviceName: name } });
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
 * Calls one subgraph over pooled keep-alive HTTP (undici), forwarding the caller's bearer token
 * and request id, signed as the gateway's (SubgraphRequestSigner). A call first takes a slot from the fair queue (per-tenant limits, so one
 * tenant's burst cannot fill the pool), then goes out with its deadline, retries only for queries
 * (a mutation may have taken effect), and a circuit breaker so a dead subgraph costs nothing while
 * it is down. The breaker counts only what happened after the call left the gateway: time in the
 * queue and refusals by the queue are the gateway's own, not the subgraph's failures.
 */
export class SubgraphHttpDataSource implements GraphQLDataSource<GatewayContext> {
  readonly breaker: CircuitBreaker;
  private readonly slots: FairQueue;
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly options: SubgraphHttpOptions) {
    const url = new URL(options.url);
    this.path = `${url.pathname}${url.search}`;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      // Idle sockets are dropped well before the subgraph's own keep-alive timeout (5 s in our
      // services): reusing a socket the server is closing would fail a mutation, which is never retried.
      keepAliveTimeout: 2_000,
      keepAliveMaxTimeout: 2_000,
      connectTimeout: Math.min(options.timeoutMs, 5_000),
    });
    // Never more calls out than connections: undici's own queue would be unfair, and its wait
    // would count against the call's deadline.
    this.slots = new FairQueue({
      capacity: options.connections,
      perCaller: Math.min(options.tenantConcurrency, options.connections),
      queuePerCaller: options.tenantQueue,
      maxWaitMs: options.queueTimeoutMs,
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breakerFailureThreshold,
      resetMs: options.breakerResetMs,
      onStateChange: (state) => options.metrics?.circuitState(options.name, state),
    });
    // Reported from the start, so a closed circuit is visible before it ever changed.
    options.metrics?.circuitState(options.name, this.breaker.state);
  }

  process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
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
  async sendSerialized(body: string, request: SerializedSubgraphRequest): Promise<GatewayResponse> {
    const { name } = this.options;
    let release: ReleaseSlot;
    try {
      release = await this.slots.acquire(callerKey(request.context).key);
    } catch (error) {
      if (!(error instanceof QueueRejectedError)) throw error;
      this.options.metrics?.subgraphQueueRejected(name, error.reason);
      throw overloadedError(name, error, this.options.queueTimeoutMs);
    }
    try {
      if (!tracingStarted()) return await this.call(body, request);
      // A CLIENT span per subgraph request (retries included); its context goes out as `traceparent`.
      return await inSpan(
        `subgraph ${name}`,
        { kind: SpanKind.CLIENT, attributes: { 'hub.subgraph': name, ...(request.operationName ? { 'graphql.operation.name': request.operationName } : {}) } },
        () => this.call(body, request),
      );
    } finally {
      release();
    }
  }

  private async call(body: string, request: SerializedSubgraphRequest): Promise<GatewayResponse> {
    const { name } = this.options;
    const attempts = 1 + (request.retryable ? this.options.queryRetries : 0);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const context = request.context as Partial<GatewayContext> | undefined;
    if (context?.authorization) headers.authorization = context.authorization;
    if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    if (context?.userAgent) headers['user-agent'] = context.userAgent;
    injectTraceContext(headers);

    let lastError: SubgraphTransportError | undefined;
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (!this.breaker.tryAcquire()) {
        this.options.metrics?.subgraphError(name, 'circuit_open');
        throw subgraphError(name, 'SUBGRAPH_UNAVAILABLE', `Subgraph "${name}" is unavailable (circuit open)`);
      }
      const started = performance.now();
      try {
        const response = await this.send(body, headers);
        this.breaker.recordSuccess();
        this.options.metrics?.subgraphDuration(name, (performance.now() - started) / 1000);
        return response;
      } catch (error) {
        const failure =
          error instanceof SubgraphTransportError ? error : new SubgraphTransportError(String(error), 'unreachable');
        this.breaker.recordFailure();
        this.options.metrics?.subgraphError(name, failure.reason);
        lastError = failure;
      }
    }
    const code = lastError?.reason === 'timeout' ? 'SUBGRAPH_TIMEOUT' : 'SUBGRAPH_UNAVAILABLE';
    throw subgraphError(name, code, `Subgraph "${name}" did not answer (${lastError?.reason ?? 'unknown'})`);
  }

  private async send(body: string, headers: Record<string, string>): Promise<GatewayResponse> {
    let answer: JsonAnswer;
    try {
      const signature = await this.options.signer.headers(this.options.name, { method: 'POST', path: this.path, body });
      answer = await postJson(this.pool, { path: this.path, headers: { ...headers, ...signature }, body, timeoutMs: this.options.timeoutMs });
    } catch (error) {
      throw new SubgraphTransportError(String(error), error instanceof JsonPostError ? error.reason : 'unreachable');
    }
    if (RETRYABLE_STATUS.has(answer.statusCode)) throw new SubgraphTransportError(`HTTP ${answer.statusCode}`, 'bad_response');
    const parsed = answer.body;
    // Subgraphs answer GraphQL errors (also 4xx such as 401) as JSON; those are not transport failures.
    if (typeof parsed !== 'object' || parsed === null || (!('data' in parsed) && !('errors' in parsed))) {
      throw new SubgraphTransportError(`HTTP ${answer.statusCode} without a GraphQL body`, 'bad_response');
    }
    return parsed as GatewayResponse;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
