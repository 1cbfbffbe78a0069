import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './gatewayMetrics';

/** `GET /metrics` in Prometheus' text format. */
export function useMetricsEndpoint(metrics: GatewayMetrics, path = '/metrics'): Plugin {
  return {
    async onRequest({ url, request, fetchAPI, endResponse }) {
      if (url.pathname !== path || request.method !== 'GET') return;
      endResponse(
        new fetchAPI.Response(await metrics.registry.metrics(), {
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
  };
}
