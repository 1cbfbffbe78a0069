import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './gatewayMetrics';

/** `GET /metrics` in Prometheus' text format; `read` replaces this process' registry (the workers' merged view). */
export function useMetricsEndpoint(metrics: GatewayMetrics, read = () => metrics.registry.metrics(), path = '/metrics'): Plugin {
  return {
    async onRequest({ url, request, fetchAPI, endResponse }) {
      if (url.pathname !== path || request.method !== 'GET') return;
      endResponse(
        new fetchAPI.Response(await read(), {
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
  };
}
