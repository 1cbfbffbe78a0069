import { once } from 'node:events';
import type { RedisPubSub } from 'graphql-redis-subscriptions';
import { createEventBus, createLogger, openBusSubscription, type EventBus } from '../src';
import { TEST_REDIS_URL } from '@hub/testkit/testEnvironment';

/**
 * A service subscribes the moment its bus exists (a config client, an event log reader). The Redis
 * subscriber connection may still be starting then; a subscription sent before it is ready must
 * not be lost with the connection's start-up (it was: about one start in four, after which events
 * were published and acknowledged but never arrived).
 */
describe('Redis event bus: subscribing right after creation', () => {
  const logger = createLogger('event-bus-test');

  it('receives what is published afterwards, on every one of 20 fresh buses, subscribed at once or while its connection starts', async () => {
    const missed: number[] = [];
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const channel = `bus-start-${attempt}-${Date.now()}`;
      const subscriberBus: EventBus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
      const publisherBus: EventBus = createEventBus({ redisUrl: TEST_REDIS_URL, logger });
      try {
        // Every other bus: subscribe when the connection is up but not yet ready (Redis's ready check
        // still running), the moment the lost subscriptions were seen in.
        if (attempt % 2 === 1) await once((subscriberBus.engine as RedisPubSub).getSubscriber(), 'connect');
        const events = await openBusSubscription(subscriberBus, [channel]);
        const next = events.next();
        // The publisher connects on its own time; a publish before it is ready fails (no offline queue).
        for (let tries = 0; tries < 100 && !publisherBus.isReady(); tries += 1) await new Promise((ready) => setTimeout(ready, 10));
        await publisherBus.publish(channel, { attempt });
        let timer: NodeJS.Timeout | undefined;
        const received = await Promise.race([next, new Promise<null>((none) => (timer = setTimeout(() => none(null), 2000)))]);
        // Not left running: a timer that outlives the file keeps the jest worker alive after it.
        clearTimeout(timer);
        if (received === null || (received.value as { attempt: number }).attempt !== attempt) missed.push(attempt);
        await events.return?.();
      } finally {
        await subscriberBus.close();
        await publisherBus.close();
      }
    }
    expect(missed).toEqual([]);
  });

  it('refuses a subscription as UNAVAILABLE when Redis does not answer within the wait', async () => {
    const bus = createEventBus({ redisUrl: 'redis://127.0.0.1:1', logger, subscriberReadyWaitMs: 300 });
    try {
      await expect(openBusSubscription(bus, ['nobody-listens'])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      await bus.close();
    }
  });
});
