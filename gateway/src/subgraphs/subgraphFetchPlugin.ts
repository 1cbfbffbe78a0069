import type { GraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../gatewayContext';

/** What a subgraph answered (a GraphQL response; GraphQL errors included). */
export type SubgraphAnswer = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** The subgraph a fetch chain is built for (once per subgraph client). */
export interface SubgraphTarget {
  readonly name: string;
  readonly url: string;
  /** The path (and query) every request POSTs to. */
  readonly path: string;
}

/**
 * One request to a subgraph on its way through the chain. The body is serialized once by the
 * caller; plugins add `headers` and may set the attempt's deadline. One object per call, reused by
 * every attempt of it.
 */
export interface SubgraphCall {
  readonly body: string;
  readonly context: GatewayContext;
  readonly operationName: string | null;
  /** Not a mutation: may be sent again after a transport failure. */
  readonly retryable: boolean;
  /** What goes out with the POST; plugins add to it. */
  readonly headers: Record<string, string>;
  /** Deadline of one attempt, from the POST until the last byte of the answer; 0: none. */
  timeoutMs: number;
}

/** The rest of the chain: sends the call and resolves with the subgraph's answer. */
export type SubgraphFetch = (call: SubgraphCall) => Promise<SubgraphAnswer>;

/**
 * One step of every subgraph call (deadline, retries, circuit breaker, header forwarding,
 * signing, spans, and whatever a deployment adds through GatewayOptions.subgraphFetchPlugins).
 * `forSubgraph` runs once per subgraph client and returns that subgraph's step, which does its
 * part and calls `next` (or answers or throws without it). Composing once per subgraph keeps the
 * per-call cost at one function call per plugin, and lets a plugin keep per-subgraph state (a
 * breaker, a deadline) in its closure instead of looking it up per call.
 */
export interface SubgraphFetchPlugin {
  /** For logs and docs. */
  readonly name: string;
  forSubgraph(subgraph: SubgraphTarget, next: SubgraphFetch): SubgraphFetch;
}

/**
 * A failure of the transport (no answer, or not a GraphQL one), as opposed to a GraphQL error the
 * subgraph answered with. Retries and the circuit breaker act on these only; anything else a step
 * throws goes to the caller as it is.
 */
export class SubgraphTransportError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'unreachable' | 'bad_response',
  ) {
    super(message);
  }
}

/** The error a client sees for a subgraph call that failed in the gateway or in transport. */
export function subgraphCallError(subgraph: string, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, serviceName: subgraph } });
}

/** The chain of one subgraph: `plugins[0]` runs first, `send` (the POST) last. */
export function composeSubgraphFetch(plugins: readonly SubgraphFetchPlugin[], subgraph: SubgraphTarget, send: SubgraphFetch): SubgraphFetch {
  let fetch = send;
  for (let index = plugins.length - 1; index >= 0; index -= 1) fetch = plugins[index]!.forSubgraph(subgraph, fetch);
  return fetch;
}
