import { gatewayAssertionHeader, gatewaySigningKeyFromPem, gatewaySigningKeyPemFromEnv } from '@hub/runtime';

/**
 * A running subgraph's schema, asked for with `{ _service { sdl } }`. The one place the registry
 * talks to a subgraph: signed with the gateway's key (GATEWAY_SIGNING_KEY), as subgraphs answer
 * nobody else, by the same function the gateway signs its calls with.
 */
export async function fetchSubgraphSdl(subgraph: string, url: string, timeoutMs = 10_000): Promise<string> {
  const pem = gatewaySigningKeyPemFromEnv();
  if (!pem) throw new Error(`GATEWAY_SIGNING_KEY (or GATEWAY_SIGNING_KEY_FILE) is needed to ask ${subgraph} for its schema`);
  const body = JSON.stringify({ query: '{ _service { sdl } }' });
  const { pathname, search } = new URL(url);
  const signature = gatewayAssertionHeader(await gatewaySigningKeyFromPem(pem), { audience: subgraph, method: 'POST', path: `${pathname}${search}`, body });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...signature },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status} to { _service { sdl } }`);
  const answer = (await response.json()) as { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message: string }> };
  const sdl = answer.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} gave no schema: ${answer.errors?.map((error) => error.message).join('; ') ?? 'no _service.sdl'}`);
  return sdl;
}
