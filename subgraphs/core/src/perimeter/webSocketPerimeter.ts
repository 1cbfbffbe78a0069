import type { Context as WsContext } from 'graphql-ws';
import { GATEWAY_ASSERTION_PARAM, type GatewayAssertionCheck, GatewayAssertionError } from '@hub/runtime';
import { markGatewaySigned } from './gatewaySignedRequests';

/**
 * A WebSocket is the gateway's when its `connection_init` carries the gateway's assertion over
 * `GET <upgrade path>`; otherwise it is closed with 4403. Its operations then count as signed.
 * Without a check (development, SUBGRAPH_ALLOW_UNSIGNED) every connection is let in, unsigned.
 */
export function webSocketPerimeter(check: GatewayAssertionCheck | null, endpoint: string) {
  const signed = new WeakSet<WsContext>();
  return {
    onConnect: async (ctx: WsContext): Promise<boolean> => {
      if (!check) return true;
      const assertion = ctx.connectionParams?.[GATEWAY_ASSERTION_PARAM];
      const upgrade = (ctx.extra as { request?: { url?: string } }).request;
      try {
        // connection_init is one request: a batch of one, so it names no entry.
        await check({ assertion: typeof assertion === 'string' ? assertion : null, entry: null }, { method: 'GET', path: upgrade?.url ?? endpoint, body: '' });
      } catch (error) {
        if (error instanceof GatewayAssertionError) return false;
        throw error;
      }
      signed.add(ctx);
      return true;
    },
    onOperationRequest: (ctx: WsContext, request: Request) => {
      if (signed.has(ctx)) markGatewaySigned(request);
    },
  };
}
