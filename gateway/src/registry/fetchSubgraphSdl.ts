/**
 * A running subgraph's schema, asked for with `{ _service { sdl } }`. The one place the registry
 * talks to a subgraph: request signing (the gateway's perimeter) is to be added here.
 */
export async function fetchSubgraphSdl(url: string, timeoutMs = 10_000): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status} to { _service { sdl } }`);
  const body = (await response.json()) as { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (typeof sdl !== 'string') throw new Error(`${url} gave no schema: ${body.errors?.map((error) => error.message).join('; ') ?? 'no _service.sdl'}`);
  return sdl;
}
