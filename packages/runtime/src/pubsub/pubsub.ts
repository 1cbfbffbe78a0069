import { RedisPubSub } from 'graphql-redis-subscriptions';
import { PubSub as InProcessPubSub, type PubSubEngine } from 'graphql-subscriptions';
import Redis from 'ioredis';
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
}

function redisBus(url: string, logger: Logger): EventBus {
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);
  // No offline queue on the publisher: a publish while Redis is away must fail, so the outbox
  // keeps the event and retries, instead of buffering it in memory where a crash would lose it.
  const publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy });
  const subscriber = new Redis(url, { retryStrategy });
  for (const [role, client] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    client.on('error', (error: Error) => logger.debug({ err: error, role }, 'redis connection error'));
  }
  const engine = new RedisPubSub({ publisher, subscriber });
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
      await engine.close();
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
  return options.redisUrl ? redisBus(options.redisUrl, options.logger) : inProcessBus();
}
