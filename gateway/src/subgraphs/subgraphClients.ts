import type { SubgraphHttpSettings } from '../config';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import { SubgraphHttpDataSource } from './subgraphHttpDataSource';
import type { SubgraphRequestSigner } from './subgraphRequestSigner';

function envKey(subgraph: string): string {
  return subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * One HTTP client (fair queue + connection pool + circuit breaker) per subgraph and URL, shared by every
 * supergraph generation, so a reload neither drops warm connections nor resets an open breaker.
 */
export class SubgraphClients {
  private readonly clients = new Map<string, SubgraphHttpDataSource>();

  constructor(
    private readonly settings: SubgraphHttpSettings,
    /** Signs every call and upstream connection to a subgraph (shared with the subscription pool). */
    readonly signer: SubgraphRequestSigner,
    private readonly metrics?: GatewayMetrics,
  ) {}

  get(subgraph: { name: string; url: string }): SubgraphHttpDataSource {
    const key = `${subgraph.name} ${subgraph.url}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new SubgraphHttpDataSource({
        name: subgraph.name,
        url: subgraph.url,
        timeoutMs: this.settings.timeoutOverrides[envKey(subgraph.name)] ?? this.settings.timeoutMs,
        queryRetries: this.settings.queryRetries,
        connections: this.settings.connections,
        tenantConcurrency: this.settings.tenantConcurrency,
        tenantQueue: this.settings.tenantQueue,
        queueTimeoutMs: this.settings.queueTimeoutMs,
        breakerFailureThreshold: this.settings.breakerFailureThreshold,
        breakerResetMs: this.settings.breakerResetMs,
        signer: this.signer,
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
