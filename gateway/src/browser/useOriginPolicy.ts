import type { Plugin } from 'graphql-yoga';
import type { AllowedOrigins } from './allowedOrigins';

/**
 * Refuses a browser request from an origin that is not allowed (HTTP 403, ORIGIN_NOT_ALLOWED)
 * before anything else reads it. CORS alone only hides answers from such a page; a "simple"
 * request would still run. Preflights are answered by yoga's CORS handler (without allow headers
 * for such an origin, so the browser stops there).
 */
export function useOriginPolicy(origins: AllowedOrigins): Plugin {
  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (origins.allows(request.headers.get('origin'), url.host)) return;
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'Origin not allowed', extensions: { code: 'ORIGIN_NOT_ALLOWED' } }] }), {
          status: 403,
          headers: { 'content-type': 'application/json' },
        }),
      );
    },
  };
}

/** yoga's CORS options for one request: headers only for a listed origin. */
export function corsFor(origins: AllowedOrigins) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origins.listed(origin)) return false as const;
    return {
      origin: [origin],
      credentials: true,
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'accept', 'last-event-id', 'x-graphql-csrf', 'x-request-id'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    };
  };
}
