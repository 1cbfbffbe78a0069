import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as InProcessPubSub, type PubSubEngine } from 'graphql-subscriptions';
import Redis from 'ioredis';
import { UnavailableError } from '../errors/domainErrors';
import type { Logger } from '../logging/logger';

/** Pub/sub behind one interface: Redis across processes, or in-process for the one-process dev stack. */
export interface EventBus {
  readonly kind: 'redis' | 'in-process';
  readonly engine: PubSubEngine;
  publish(channel: string, payload: unknown): Promise<void>;
  /** True when events can currently be published. */
  isReady(): boolean;
  /**
   * Called when the subscriber connection comes back after a drop: events published meanwhile
   * were lost, so followers should reconcile. Returns an unsubscribe.
   */
  onReconnect(listener: () => void): () => void;
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** `redis://…`; when absent an in-process bus is used. */
  redisUrl?: string;
  logger: Logger;
  /** How long a subscription waits for the Redis subscriber connection (default 10 s), then UNAVAILABLE. */
  subscriberReadyWaitMs?: number;
}

/** How long a subscription waits for the subscriber connection by default before it is refused as UNAVAILABLE. */
const SUBSCRIBER_READY_WAIT_MS = 10_000;

/**
 * Resolves once `client` is ready (at once if it is). A command ioredis is given between its
 * 'connect' and 'ready' is sent straight away; a SUBSCRIBE sent then puts the connection in
 * subscriber mode, ioredis's ready check (INFO) fails, and the reconnect forgets the channel: the
 * subscription resolved, yet nothing published afterwards arrives.
 */
function whenReady(client: Redis, waitMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => settle();
    const onEnd = () => settle(new UnavailableError('The event bus connection was closed'));
    const timer = setTimeout(() => settle(new UnavailableError('The event bus (Redis) is not reachable')), waitMs);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/** RedisPubSub whose subscriptions wait for a ready subscriber connection (see whenReady). */
class ReadySubscriberPubSub extends RedisPubSub {
  constructor(
    private readonly subscriberConnection: Redis,
    publisher: Redis,
    private readonly readyWaitMs: number,
  ) {
    super({ publisher, subscriber: subscriberConnection });
  }

  override async subscribe<T = unknown>(trigger: string, onMessage: (message: T) => void, options?: unknown): Promise<number> {
    await whenReady(this.subscriberConnection, this.readyWaitMs);
    return super.subscribe(trigger, onMessage, options);
  }
}

function redisBus(url: string, logger: Logger, subscriberReadyWaitMs: number): EventBus {
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);
  // No offline queue on the publisher: a publish while Redis is away must fail, so the outbox
  // keeps the event and retries, instead of buffering it in memory where a crash would lose it.
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy });
  const subscriber = new Redis(url, { retryStrategy });
  for (const [role, client] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    client.on('error', (error: Error) => logger.debug({ err: error, role }, 'redis connection error'));
  }
  const engine = new ReadySubscriberPubSub(subscriber, publisher, subscriberReadyWaitMs);
  const reconnectListeners = new Set<() => void>();
  let connectedOnce = false;
  subscriber.on('ready', () => {
    if (connectedOnce) for (const listener of reconnectListeners) listener();
    connectedOnce = true;
  });
  return {
    kind: 'redis',
    engine,
    publish: (channel, payload) => engine.publish(channel, payload),
    isReady: () => publisher.status === 'ready',
    onReconnect: (listener) => {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    close: async () => {
      // QUIT waits for an answer; a connection that is not up (Redis away) would hold close() forever.
      await Promise.all(
        [publisher, subscriber].map((client) => (client.status === 'ready' ? client.quit().then(() => undefined, () => client.disconnect()) : client.disconnect())),
      );
    },
  };
}

function inProcessBus(): EventBus {
  const engine = new InProcessPubSub();
  return {
    kind: 'in-process',
    engine,
    publish: (channel, payload) => engine.publish(channel, payload),
    isReady: () => true,
    onReconnect: () => () => undefined,
    close: async () => undefined,
  };
}

export function createEventBus(options: EventBusOptions): EventBus {
  return options.redisUrl ? redisBus(options.redisUrl, options.logger, options.subscriberReadyWaitMs ?? SUBSCRIBER_READY_WAIT_MS) : inProcessBus();
}
