import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { machineTime } from './machineTime';

/** One `next` payload of a GraphQL-over-WebSocket subscription. */
export interface WsResult<TData> {
  data?: TData;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** `position`: the event's place in its subgraph's event log (resumable subscriptions). */
  extensions?: { position?: string } & Record<string, unknown>;
}

/** How a subscription ended: completed by the server, an `error` message, or the socket closing. */
export type WsEnd = { kind: 'complete' } | { kind: 'error'; error: unknown };

/**
 * A `graphql-transport-ws` client connection (package graphql-ws), as a dashboard would hold it:
 * token in `connectionParams`, any number of subscriptions over one socket. No reconnection unless
 * asked for, so a test sees exactly what the server did.
 */
export class WsConnection {
  readonly client: Client;
  /** Close events of the socket, in order. */
  readonly closes: Array<{ code: number; reason: string }> = [];

  constructor(url: string, token?: string, options: { retryAttempts?: number } = {}) {
    this.client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: options.retryAttempts ?? 0,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 200)),
      shouldRetry: () => true,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      onNonLazyError: () => undefined,
      on: { closed: (event) => this.closes.push({ code: (event as CloseEvent).code, reason: (event as CloseEvent).reason }) },
    });
  }

  subscribe<TData>(query: string, variables: Record<string, unknown> = {}, extensions?: Record<string, unknown>): WsSubscription<TData> {
    return new WsSubscription<TData>(this.client, query, variables, extensions);
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

export class WsSubscription<TData> {
  readonly results: Array<WsResult<TData>> = [];
  end: WsEnd | null = null;
  private readonly dispose: () => void;
  private waiters: Array<() => void> = [];
  private taken = 0;

  constructor(client: Client, query: string, variables: Record<string, unknown>, extensions?: Record<string, unknown>) {
    this.dispose = client.subscribe<TData>(
      { query, variables, ...(extensions ? { extensions } : {}) },
      {
        next: (result) => {
          this.results.push(result as WsResult<TData>);
          this.notify();
        },
        error: (error) => {
          this.end = { kind: 'error', error };
          this.notify();
        },
        complete: () => {
          this.end ??= { kind: 'complete' };
          this.notify();
        },
      },
    );
  }

  /** Resolves once `count` results arrived (or the subscription ended); rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Array<WsResult<TData>>> {
    await this.until(() => this.results.length >= count || this.end !== null, timeoutMs, () => `expected ${count} results, got ${this.results.length}`);
    return this.results;
  }

  /** Resolves when the subscription has ended; rejects after `timeoutMs`. */
  async ended(timeoutMs = 5000): Promise<WsEnd> {
    await this.until(() => this.end !== null, timeoutMs, () => `subscription still open after ${timeoutMs} ms`);
    return this.end as WsEnd;
  }

  /** The next result not yet taken; rejects after `timeoutMs` without one. */
  async next(timeoutMs = 5000): Promise<WsResult<TData>> {
    await this.waitFor(this.taken + 1, timeoutMs);
    const result = this.results[this.taken];
    if (!result) throw new Error(`subscription ended before the next result: ${JSON.stringify(this.end)}`);
    this.taken += 1;
    return result;
  }

  close(): void {
    this.dispose();
  }

  /** `timeoutMs` of a quiet machine, stretched on a busy one (machineTime). */
  private async until(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    const deadline = Date.now() + machineTime(timeoutMs);
    while (!done()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(describe());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** The WebSocket connections a test opened, so one call closes them all afterwards. */
export class WsConnections {
  private readonly open: WsConnection[] = [];

  connect(url: string, token?: string, options: { retryAttempts?: number } = {}): WsConnection {
    const connection = new WsConnection(url, token, options);
    this.open.push(connection);
    return connection;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((connection) => connection.close()));
  }
}
