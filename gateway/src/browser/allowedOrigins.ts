/**
 * Browser origins allowed to call the gateway (CORS) and to open its WebSocket. One list for both,
 * so a page that may not read HTTP answers cannot subscribe instead.
 */
export class AllowedOrigins {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map(normalizeOrigin));
  }

  get list(): readonly string[] {
    return [...this.origins];
  }

  /**
   * Whether a request with this `Origin` header may be served: no header (not a browser, or a
   * same-origin GET), an allow-listed origin, or the gateway's own origin (GraphiQL) as seen in
   * the request's host.
   */
  allows(origin: string | null | undefined, requestHost: string | null | undefined): boolean {
    if (!origin) return true;
    if (this.origins.has(origin)) return true;
    return requestHost ? hostOf(origin) === requestHost.toLowerCase() : false;
  }

  /** Whether a cross-origin browser request from `origin` may read answers (CORS headers). */
  listed(origin: string | null | undefined): origin is string {
    return !!origin && this.origins.has(origin);
  }
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return null;
  }
}

/** `scheme://host[:port]`, lower-case, without a path: what browsers send as `Origin`. */
export function normalizeOrigin(origin: string): string {
  if (origin === '*') throw new Error('GATEWAY_CORS_ORIGINS: "*" is not allowed (tokens and credentials travel cross-origin); list the origins');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`GATEWAY_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port])`);
  }
  if (url.origin === 'null' || url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`GATEWAY_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path)`);
  }
  return url.origin;
}

/** The dashboard's development origins (DASHBOARD_PORT, default 4080), allowed without configuration outside production. */
export function dashboardDevOrigins(port: number): string[] {
  return [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
}
