import {
  GATEWAY_ASSERTION_HEADER,
  GATEWAY_ASSERTION_PARAM,
  gatewayAssertionHeader,
  gatewaySigningKeyFromPem,
  generateGatewaySigningKey,
  type GatewaySigningKey,
  type Logger,
} from '@hub/core';
import type { JSONWebKeySet } from 'jose';

/**
 * Signs what the gateway sends to a subgraph (HTTP calls, and the `connection_init` of pooled
 * subscription WebSockets), so subgraphs can refuse everyone else. The one place the assertion
 * is added on the way out; the key is GATEWAY_SIGNING_KEY, its public half published as a JWKS.
 */
export class SubgraphRequestSigner {
  constructor(private readonly key: GatewaySigningKey) {}

  /** Headers for one HTTP request to `subgraph` (signed per attempt: a retry is a new request). */
  headers(subgraph: string, request: { method: string; path: string; body: string }): Record<string, string> {
    return gatewayAssertionHeader(this.key, { audience: subgraph, ...request });
  }

  /** `connection_init` payload for a WebSocket to `url` (evaluated again on every reconnect). */
  connectionParams(subgraph: string, url: string): Record<string, string> {
    const { pathname, search } = new URL(url);
    const headers = gatewayAssertionHeader(this.key, { audience: subgraph, method: 'GET', path: `${pathname}${search}`, body: '' });
    return { [GATEWAY_ASSERTION_PARAM]: headers[GATEWAY_ASSERTION_HEADER]! };
  }

  get jwks(): JSONWebKeySet {
    return { keys: [this.key.publicJwk] };
  }
}

/** The configured key; without one, a key for this process only (subgraphs must then read its JWKS). */
export async function subgraphRequestSignerFor(privateKeyPem: string | undefined, logger: Logger): Promise<SubgraphRequestSigner> {
  if (privateKeyPem) return new SubgraphRequestSigner(await gatewaySigningKeyFromPem(privateKeyPem));
  logger.warn('GATEWAY_SIGNING_KEY is not set: signing subgraph calls with a key generated for this process (one replica only)');
  return new SubgraphRequestSigner(await generateGatewaySigningKey());
}
