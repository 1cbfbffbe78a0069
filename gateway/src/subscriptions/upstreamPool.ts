import type { Logger } from '@hub/runtime';
import { createClient, type Client, type SubscribePayload } from 'graphql-ws';
import WebSocket from 'ws';
import type { GatewayMetrics } from '../observability/gatewayMetrics';
import type { SubgraphRequestSigner } from '../subgraphs/subgraphRequestSigner';
import type { UpstreamEvent } from './subscriptionEventExecution';

export interface UpstreamSink {
  next(event: UpstreamEvent): void;
  /** The stream cannot go on: the subgraph refused it, or it could not be restored in time. */
  error(failure: UpstreamFailure): void;
  complete(): void;
}

/** Why an upstream stream ended: the subgraph's own errors, or the connection. */
export type UpstreamFailure =
  | { kind: 'refused'; errors: ReadonlyArray<Record<string, unknown>> }
  | { kind: 'unavailable'; reason: string };

export interface UpstreamPoolOptions {
  /** How long a dropped connection may take to come back before its streams fail. */
  restoreMs: number;
  /** WebSocket connections per subgraph; streams are spread over them. */
  connectionsPerSubgraph: number;
  /** Signs each connection's `connection_init` (afresh on every reconnect). */
  signer: SubgraphRequestSigner;
  metrics?: GatewayMetrics;
  logger: Logger;
}

/** One pooled connection: a graphql-ws client multiplexing many upstream streams. */
interface PooledConnection {
  readonly client: Client;
  streams: number;
  connected: boolean;
  /** When the connection dropped while streams were open; cleared when it is back. */
  droppedAt?: number;
  failed: boolean;
}

function webSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function describe(failure: unknown): string {
  if (failure && typeof failure === 'object' && 'code' in failure) {
    const { code, reason } = failure as { code: number; reason?: string };
    return `connection closed (${code}${reason ? ` ${reason}` : ''})`;
  }
  return failure instanceof Error ? failure.message : 'connection failed';
}

/**
 * Upstream subscriptions to subgraphs over pooled `graphql-transport-ws` connections, never one
 * connection per client. A dropped connection is re-established with jittered backoff and its
 * streams re-subscribed (graphql-ws does that per stream); only when it stays down longer than
 * `restoreMs` do its streams fail.
 */
export class UpstreamPool {
  private readonly pools = new Map<string, PooledConnection[]>();
  private closed = false;

  constructor(private readonly options: UpstreamPoolOptions) {}

  /** Opens one upstream stream; the returned function ends it. */
  subscribe(subgraph: { name: string; url: string }, payload: SubscribePayload, sink: UpstreamSink): () => void {
    if (this.closed) {
      sink.error({ kind: 'unavailable', reason: 'gateway is shutting down' });
      return () => undefined;
    }
    const connection = this.connectionFor(subgraph);
    if (connection.streams === 0) connection.droppedAt = undefined;
    connection.streams += 1;
    let open = true;
    const release = () => {
      if (!open) return;
      open = false;
      connection.streams -= 1;
    };
    const dispose = connection.client.subscribe<Record<string, unknown>>(payload, {
      next: (event) => sink.next(event as UpstreamEvent),
      error: (failure) => {
        release();
        if (Array.isArray(failure)) {
          sink.error({ kind: 'refused', errors: failure as ReadonlyArray<Record<string, unknown>> });
          return;
        }
        // The connection gave up: drop it from the pool so new streams get a fresh one.
        this.retire(subgraph, connection);
        sink.error({ kind: 'unavailable', reason: describe(failure) });
      },
      complete: () => {
        release();
        sink.complete();
      },
    });
    return () => {
      release();
      dispose();
    };
  }

  /** Open connections per subgraph (also exported as a metric). */
  connectionCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [key, connections] of this.pools) {
      const name = key.slice(0, key.indexOf(' '));
      counts[name] = (counts[name] ?? 0) + connections.filter((connection) => connection.connected).length;
    }
    return counts;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.pools.values()].flat();
    this.pools.clear();
    await Promise.all(all.map((connection) => connection.client.dispose()));
  }

  private connectionFor(subgraph: { name: string; url: string }): PooledConnection {
    const key = `${subgraph.name} ${subgraph.url}`;
    let connections = this.pools.get(key);
    if (!connections) {
      connections = [];
      this.pools.set(key, connections);
    }
    const usable = connections.filter((connection) => !connection.failed);
    if (usable.length < Math.max(1, this.options.connectionsPerSubgraph)) {
      const connection = this.open(subgraph);
      connections.push(connection);
      return connection;
    }
    return usable.reduce((least, connection) => (connection.streams < least.streams ? connection : least));
  }

  private open(subgraph: { name: string; url: string }): PooledConnection {
    const { metrics, logger, restoreMs } = this.options;
    const connection: PooledConnection = {
      streams: 0,
      connected: false,
      failed: false,
      client: createClient({
        url: webSocketUrl(subgraph.url),
        webSocketImpl: WebSocket,
        connectionParams: () => this.options.signer.connectionParams(subgraph.name, subgraph.url),
        lazy: true,
        // Short: graphql-ws does not clear this timer on dispose, so it also bounds shutdown lingering.
        lazyCloseTimeout: 1_000,
        keepAlive: 10_000,
        retryAttempts: Number.POSITIVE_INFINITY,
        // Jittered exponential backoff, capped: many gateway replicas must not reconnect in lockstep.
        retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** retries) * (0.5 + Math.random() / 2))),
        shouldRetry: () => connection.droppedAt === undefined || Date.now() - connection.droppedAt < restoreMs,
        on: {
          connected: () => {
            if (connection.droppedAt !== undefined) logger.info({ subgraph: subgraph.name }, 'upstream subscription connection restored');
            connection.droppedAt = undefined;
            connection.connected = true;
            metrics?.upstreamConnections.inc({ subgraph: subgraph.name });
          },
          closed: (event) => {
            if (connection.connected) metrics?.upstreamConnections.dec({ subgraph: subgraph.name });
            const wasConnected = connection.connected;
            connection.connected = false;
            if (connection.streams > 0 && !this.closed) {
              connection.droppedAt ??= Date.now();
              if (wasConnected) logger.warn({ subgraph: subgraph.name, reason: describe(event) }, 'upstream subscription connection dropped; restoring');
            }
          },
        },
      }),
    };
    return connection;
  }

  private retire(subgraph: { name: string; url: string }, connection: PooledConnection): void {
    if (connection.failed) return;
    connection.failed = true;
    const key = `${subgraph.name} ${subgraph.url}`;
    const connections = this.pools.get(key);
    if (connections) this.pools.set(key, connections.filter((candidate) => candidate !== connection));
    // Later, not now: the connection's other streams are still learning of the same failure, and
    // disposing first would make graphql-ws complete them quietly instead of failing them.
    setTimeout(() => void connection.client.dispose(), 0);
  }
}
