import {
  GATEWAY_ASSERTION_HEADER,
  GATEWAY_ASSERTION_PARAM,
  gatewayAssertionHeader,
  gatewaySigningKeyFromPem,
  type GatewaySigningKey,
} from '@hub/core';
import { postGraphQL, type GraphQLResponse } from './graphqlClient';
import { SseSubscription } from './sseSubscription';

let key: Promise<GatewaySigningKey> | undefined;

/** The gateway's key of this test process (setupEnv.ts puts it in GATEWAY_SIGNING_KEY). */
export function testGatewayKey(): Promise<GatewaySigningKey> {
  const pem = process.env.GATEWAY_SIGNING_KEY;
  if (!pem) throw new Error('GATEWAY_SIGNING_KEY is not set (@hub/testkit/setupEnv sets it)');
  key ??= gatewaySigningKeyFromPem(pem);
  return key;
}

/** The subgraph a routing URL belongs to is named by the caller; the path comes from the URL. */
function pathOf(url: string): string {
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
}

/** The gateway's assertion for one request to `subgraph` at `url`. */
export async function gatewaySignatureHeaders(subgraph: string, url: string, body: string, method = 'POST'): Promise<Record<string, string>> {
  return gatewayAssertionHeader(await testGatewayKey(), { audience: subgraph, method, path: pathOf(url), body });
}

/**
 * A GraphQL operation straight to a subgraph, signed as the gateway signs it: for tests of a
 * subgraph's own behaviour (the perimeter itself is tested without this).
 */
export async function postSignedGraphQL<TData = Record<string, unknown>>(
  subgraph: string,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  extraHeaders: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const signature = await gatewaySignatureHeaders(subgraph, url, JSON.stringify({ query, variables }));
  return postGraphQL<TData>(url, query, variables, token, { ...extraHeaders, ...signature });
}

/** `connection_init` params that make a WebSocket to `url` the gateway's. */
export async function gatewayConnectionParams(subgraph: string, url: string): Promise<Record<string, string>> {
  const headers = await gatewaySignatureHeaders(subgraph, url, '', 'GET');
  return { [GATEWAY_ASSERTION_PARAM]: headers[GATEWAY_ASSERTION_HEADER]! };
}

/** A subscription over SSE straight to a subgraph, signed as the gateway signs its calls. */
export function subscribeSignedSse<TData>(
  subgraph: string,
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<SseSubscription<TData>> {
  return SseSubscription.open<TData>(url, query, variables, token, {
    requireOk: true,
    signBody: (body) => gatewaySignatureHeaders(subgraph, url, body),
  });
}

/** Subgraph URLs the test stacks started, by URL: what a direct request must be signed for. */
const subgraphsByUrl = new Map<string, string>();

export function registerSubgraphUrl(subgraph: string, url: string): void {
  subgraphsByUrl.set(url, subgraph);
}

/**
 * postGraphQL for tests that send the same operation through the gateway and straight to a
 * subgraph: a registered subgraph URL gets the gateway's signature, any other URL goes as is.
 */
export function postGraphQLSigningSubgraphs<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  extraHeaders: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const subgraph = subgraphsByUrl.get(url);
  return subgraph
    ? postSignedGraphQL<TData>(subgraph, url, query, variables, token, extraHeaders)
    : postGraphQL<TData>(url, query, variables, token, extraHeaders);
}
