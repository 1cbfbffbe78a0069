import { SubgraphTransportError, type SubgraphCall, type SubgraphFetchPlugin } from '../subgraphFetchPlugin';

/**
 * Sends a query again after a transport failure (no answer, a timeout, 502/503/504), up to
 * `retries` more times. Never a mutation: it may have taken effect. A GraphQL answer, or an error
 * that is not the transport's (an open circuit), ends the call at once.
 */
export function queryRetries(retries: number): SubgraphFetchPlugin {
  return {
    name: 'query-retries',
    forSubgraph: (_subgraph, next) => {
      if (retries <= 0) return next;
      const attempts = async (call: SubgraphCall) => {
        for (let retry = 0; ; retry += 1) {
          try {
            return await next(call);
          } catch (error) {
            if (retry >= retries || !(error instanceof SubgraphTransportError)) throw error;
          }
        }
      };
      return (call) => (call.retryable ? attempts(call) : next(call));
    },
  };
}
