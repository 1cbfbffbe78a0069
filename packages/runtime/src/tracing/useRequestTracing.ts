import { SpanKind } from '@opentelemetry/api';
import type { Plugin } from 'graphql-yoga';
import { contextFromHeaders, inSpan, tracingStarted } from './tracing';

/**
 * A SERVER span per GraphQL HTTP request that continues the caller's W3C `traceparent`; every
 * span started while the request runs (operation, subgraph calls, SQL) is its descendant.
 * Health and metrics routes are not traced. Inert when the process does not trace.
 */
export function useRequestTracing(service: string, isOperationRoute = (url: URL) => url.pathname === '/graphql'): Plugin {
  if (!tracingStarted()) return {};
  return {
    instrumentation: {
      request: ({ request }, wrapped) => {
        const url = new URL(request.url);
        if (!isOperationRoute(url)) return wrapped();
        return inSpan(
          `${request.method} ${url.pathname}`,
          {
            kind: SpanKind.SERVER,
            parent: contextFromHeaders(request.headers),
            attributes: { 'hub.service': service, 'http.request.method': request.method, 'url.path': url.pathname },
          },
          async () => wrapped(),
        );
      },
    },
  };
}
