/** What the server that serves the dashboard tells it at run time (GET /config.json). */
export interface RuntimeConfig {
  /** The gateway's GraphQL endpoint (http…/graphql); the WebSocket uses the same path. */
  graphqlUrl: string;
  /** Development only: the demo login the sign-in form offers. */
  demo: { email: string; password: string } | null;
}

export async function loadRuntimeConfig(): Promise<RuntimeConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as RuntimeConfig;
}

export function webSocketUrlOf(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
