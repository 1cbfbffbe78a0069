import type { GatewayMetrics } from '../../observability/gatewayMetrics';
import { CircuitBreaker } from '../circuitBreaker';
import { subgraphCallError, SubgraphTransportError, type SubgraphFetchPlugin } from '../subgraphFetchPlugin';

export interface CircuitBreakerSettings {
  breakerFailureThreshold: number;
  breakerResetMs: number;
}

/**
 * One circuit breaker per subgraph client, so a dead subgraph costs nothing while it is down. It
 * counts each attempt's transport failures only: what happened before the call left the gateway
 * (queueing, the gateway's own refusals) is not the subgraph's failure. Its state is a metric from
 * the start, so a closed circuit is visible before it ever changed.
 */
export function circuitBreakers(settings: CircuitBreakerSettings, metrics?: GatewayMetrics): SubgraphFetchPlugin {
  return {
    name: 'circuit-breakers',
    forSubgraph: ({ name }, next) => {
      const breaker = new CircuitBreaker({
        failureThreshold: settings.breakerFailureThreshold,
        resetMs: settings.breakerResetMs,
        onStateChange: (state) => metrics?.circuitState(name, state),
      });
      metrics?.circuitState(name, breaker.state);
      return async (call) => {
        if (!breaker.tryAcquire()) {
          metrics?.subgraphError(name, 'circuit_open');
          throw subgraphCallError(name, 'SUBGRAPH_UNAVAILABLE', `Subgraph "${name}" is unavailable (circuit open)`);
        }
        try {
          const answer = await next(call);
          breaker.recordSuccess();
          return answer;
        } catch (error) {
          if (error instanceof SubgraphTransportError) breaker.recordFailure();
          else breaker.releaseTrial();
          throw error;
        }
      };
    },
  };
}
