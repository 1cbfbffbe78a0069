import type { GatewayMetrics } from '../../observability/gatewayMetrics';
import { SubgraphTransportError, type SubgraphFetchPlugin } from '../subgraphFetchPlugin';

/** Per attempt: how long an answered call took, and why a call failed in transport. */
export function subgraphCallMetrics(metrics: GatewayMetrics): SubgraphFetchPlugin {
  return {
    name: 'subgraph-call-metrics',
    forSubgraph: ({ name }, next) => async (call) => {
      const started = performance.now();
      try {
        const answer = await next(call);
        metrics.subgraphDuration(name, (performance.now() - started) / 1000);
        return answer;
      } catch (error) {
        if (error instanceof SubgraphTransportError) metrics.subgraphError(name, error.reason);
        throw error;
      }
    },
  };
}
