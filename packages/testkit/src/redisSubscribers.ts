import Redis from 'ioredis';
import { eventually } from './eventually';

/**
 * Resolves once the Redis channel has a subscriber (asked over `redis`, a client of the test's own).
 * Buses subscribe lazily, and an event published before anyone listens is (correctly) never
 * delivered: a test causes its event only after this. (A process subscribes to a channel once for
 * all its listeners, so the count tells "someone there listens", not how many.) Redis lists a
 * subscriber once it has processed the SUBSCRIBE, a moment before the subscribing process has read
 * the reply and delivers: cause the event through the service (a mutation, its outbox), as these
 * tests do, rather than publishing on the channel the instant this resolves.
 */
export async function untilSubscribedOnRedis(redis: Redis, channel: string, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => Number(((await redis.pubsub('NUMSUB', channel)) as [string, number | string])[1]) > 0, timeoutMs, `a subscriber on ${channel}`);
}

/**
 * Runs `subscribe`, then waits until the Redis channel has a subscriber: a subscription made in
 * another process (a replica) is live once that process listens there. Where a test used to sleep
 * "long enough for the subscription to attach".
 */
export async function subscribedOnRedis<T>(redisUrl: string, channel: string, subscribe: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const redis = new Redis(redisUrl);
  try {
    const subscription = await subscribe();
    await untilSubscribedOnRedis(redis, channel, timeoutMs);
    return subscription;
  } finally {
    redis.disconnect();
  }
}
