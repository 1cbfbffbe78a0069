import type { SubgraphRequestSigner } from '../subgraphRequestSigner';
import { SubgraphTransportError, type SubgraphFetchPlugin } from '../subgraphFetchPlugin';

/**
 * Signs every attempt as the gateway's (a retry is a new request), so subgraphs can refuse
 * everyone else. The signer batches all requests that ask within one drain of the microtask
 * queue under one signature: the steps before this one must reach it without waiting on anything
 * (they do: none of them awaits before calling on). Replaces the previous attempt's assertion.
 */
export function gatewayAssertions(signer: SubgraphRequestSigner): SubgraphFetchPlugin {
  return {
    name: 'gateway-assertions',
    forSubgraph: ({ name, path }, next) => async (call) => {
      let assertion: Record<string, string>;
      try {
        assertion = await signer.headers(name, { method: 'POST', path, body: call.body });
      } catch (error) {
        throw new SubgraphTransportError(String(error), 'unreachable');
      }
      Object.assign(call.headers, assertion);
      return next(call);
    },
  };
}
