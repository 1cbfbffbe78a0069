import type { SubgraphHttpSettings } from '../config';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import { circuitBreakers } from './fetchPlugins/circuitBreakers';
import { forwardedHeaders } from './fetchPlugins/forwardedHeaders';
import { gatewayAssertions } from './fetchPlugins/gatewayAssertions';
import { queryRetries } from './fetchPlugins/queryRetries';
import { subgraphCallMetrics } from './fetchPlugins/subgraphCallMetrics';
import { subgraphCallSpans } from './fetchPlugins/subgraphCallSpans';
import { subgraphDeadlines, subgraphTimeoutMs } from './fetchPlugins/subgraphDeadlines';
import type { SubgraphFetchPlugin } from './subgraphFetchPlugin';
import { SubgraphHttpDataSource } from './subgraphHttpDataSource';
import type { SubgraphRequestSigner } from './subgraphRequestSigner';

/**
 * The steps of every subgraph call, first to last. Once per call: span, forwarded headers,
 * deadline; per attempt (inside the retries): circuit breaker, metrics, signing, then the
 * deployment's own plugins, which so see each request as it goes out (signed, with its headers)
 * and cannot split the signer's batches.
 */
function subgraphFetchPlugins(
  settings: SubgraphHttpSettings,
  signer: SubgraphRequestSigner,
  metrics: GatewayMetrics | undefined,
  extra: readonly SubgraphFetchPlugin[],
): SubgraphFetchPlugin[] {
  return [
    subgraphCallSpans(),
    forwardedHeaders(),
    subgraphDeadlines(settings),
    queryRetries(settings.queryRetries),
    circuitBreakers(settings, metrics),
    ...(metrics ? [subgraphCallMetrics(metrics)] : []),
    gatewayAssertions(signer),
    ...extra,
  ];
}

/**
 * One HTTP client (fair queue + connection pool + fetch chain, with its circuit breaker) per
 * subgraph and URL, shared by every supergraph generation, so a reload neither drops warm
 * connections nor resets an open breaker.
 */
export class SubgraphClients {
  private readonly clients = new Map<string, SubgraphHttpDataSource>();
  private readonly plugins: readonly SubgraphFetchPlugin[];

  constructor(
    private readonly settings: SubgraphHttpSettings,
    /** Signs every call and upstream connection to a subgraph (shared with the subscription pool). */
    readonly signer: SubgraphRequestSigner,
    private readonly metrics?: GatewayMetrics,
    /** A deployment's own steps (GatewayOptions.subgraphFetchPlugins), after the gateway's. */
    extraPlugins: readonly SubgraphFetchPlugin[] = [],
  ) {
    this.plugins = subgraphFetchPlugins(settings, signer, metrics, extraPlugins);
  }

  get(subgraph: { name: string; url: string }): SubgraphHttpDataSource {
    const key = `${subgraph.name} ${subgraph.url}`;
    let client = this.clients.get(key);
    if (!client) {
      const url = new URL(subgraph.url);
      client = new SubgraphHttpDataSource({
        subgraph: { name: subgraph.name, url: subgraph.url, path: `${url.pathname}${url.search}` },
        connectTimeoutMs: Math.min(subgraphTimeoutMs(this.settings, subgraph.name), 5_000),
        connections: this.settings.connections,
        tenantConcurrency: this.settings.tenantConcurrency,
        tenantQueue: this.settings.tenantQueue,
        queueTimeoutMs: this.settings.queueTimeoutMs,
        plugins: this.plugins,
        metrics: this.metrics,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }
}
