import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER } from '@hub/core';
import { GraphQLError } from 'graphql';
import { Pool } from 'undici';
import type { GatewayContext } from '../gatewayContext';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import { CircuitBreaker } from './circuitBreaker';

type GatewayResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SubgraphHttpOptions {
  name: string;
  url: string;
  timeoutMs: number;
  queryRetries: number;
  connections: number;
  breakerFailureThreshold: number;
  breakerResetMs: number;
  metrics?: GatewayMetrics;
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
 * Calls one subgraph over pooled keep-alive HTTP (undici), forwarding the caller's bearer token
 * and request id. Per-call deadline, retries only for queries (a mutation may have taken effect),
 * and a circuit breaker so a dead subgraph costs nothing while it is down.
 */
export class SubgraphHttpDataSource implements GraphQLDataSource<GatewayContext> {
  readonly breaker: CircuitBreaker;
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
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breakerFailureThreshold,
      resetMs: options.breakerResetMs,
      onStateChange: (state) => options.metrics?.circuitState(options.name, state),
    });
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayResponse> {
    const { name } = this.options;
    const attempts = 1 + (isQuery(options) ? this.options.queryRetries : 0);
    const body = JSON.stringify({
      query: options.request.query,
      variables: options.request.variables,
      operationName: options.request.operationName,
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const context = options.context as Partial<GatewayContext> | undefined;
    if (context?.authorization) headers.authorization = context.authorization;
    if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
    if (context?.userAgent) headers['user-agent'] = context.userAgent;

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
    let response;
    try {
      response = await this.pool.request({
        path: this.path,
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SubgraphTransportError(String(error), timedOut ? 'timeout' : 'unreachable');
    }
    if (RETRYABLE_STATUS.has(response.statusCode)) {
      await response.body.dump();
      throw new SubgraphTransportError(`HTTP ${response.statusCode}`, 'bad_response');
    }
    let parsed: unknown;
    try {
      parsed = await response.body.json();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw new SubgraphTransportError('response is not JSON', timedOut ? 'timeout' : 'bad_response');
    }
    // Subgraphs answer GraphQL errors (also 4xx such as 401) as JSON; those are not transport failures.
    if (typeof parsed !== 'object' || parsed === null || (!('data' in parsed) && !('errors' in parsed))) {
      throw new SubgraphTransportError(`HTTP ${response.statusCode} without a GraphQL body`, 'bad_response');
    }
    return parsed as GatewayResponse;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
