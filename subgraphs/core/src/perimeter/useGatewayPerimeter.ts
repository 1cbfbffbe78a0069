import type { Plugin } from 'graphql-yoga';
import {
  type AssertionRefusal,
  GATEWAY_ASSERTION_ENTRY_HEADER,
  GATEWAY_ASSERTION_HEADER,
  type GatewayAssertionCheck,
  GatewayAssertionError,
} from '@hub/runtime';
import { markGatewaySigned } from './gatewaySignedRequests';

/** The answer to a request that is not the gateway's: a GraphQL error with a stable code and reason. */
export function perimeterRefusalBody(reason: AssertionRefusal): { errors: Array<{ message: string; extensions: Record<string, string> }> } {
  return {
    errors: [
      {
        message: 'This service answers only the gateway; send the request to the gateway',
        extensions: { code: 'FORBIDDEN', reason: `GATEWAY_SIGNATURE_${reason}` },
      },
    ],
  };
}

/**
 * Every HTTP request to the GraphQL endpoint (queries, mutations, SSE) must carry the gateway's
 * assertion over exactly that request; health probes and published keys stay open.
 */
export function useGatewayPerimeter(check: GatewayAssertionCheck, endpoint: string): Plugin {
  return {
    async onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname !== endpoint && !url.pathname.startsWith(`${endpoint}/`)) return;
      const bodyless = request.method === 'GET' || request.method === 'HEAD';
      try {
        const body = bodyless ? '' : new Uint8Array(await request.clone().arrayBuffer());
        const presented = { assertion: request.headers.get(GATEWAY_ASSERTION_HEADER), entry: request.headers.get(GATEWAY_ASSERTION_ENTRY_HEADER) };
        await check(presented, { method: request.method, path: `${url.pathname}${url.search}`, body });
        markGatewaySigned(request);
      } catch (error) {
        if (!(error instanceof GatewayAssertionError)) throw error;
        endResponse(fetchAPI.Response.json(perimeterRefusalBody(error.reason), { status: 403 }));
      }
    },
  };
}
