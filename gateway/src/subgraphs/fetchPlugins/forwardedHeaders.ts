import { REQUEST_ID_HEADER } from '@hub/runtime';
import type { GatewayContext } from '../../gatewayContext';
import type { SubgraphFetchPlugin } from '../subgraphFetchPlugin';

/**
 * Forwards what subgraphs need from the client's request: its bearer token (subgraphs verify it
 * again), its request id (one id across the logs of every hop) and its User-Agent (plattform tells
 * a client's own retry from a replay by it).
 */
export function forwardedHeaders(): SubgraphFetchPlugin {
  return {
    name: 'forwarded-headers',
    forSubgraph: (_subgraph, next) => (call) => {
      // Read defensively, as the data source always did: a stand-in caller may pass a partial context.
      const context = call.context as Partial<GatewayContext> | undefined;
      const { headers } = call;
      if (context?.authorization) headers.authorization = context.authorization;
      if (context?.requestId) headers[REQUEST_ID_HEADER] = context.requestId;
      if (context?.userAgent) headers['user-agent'] = context.userAgent;
      return next(call);
    },
  };
}
