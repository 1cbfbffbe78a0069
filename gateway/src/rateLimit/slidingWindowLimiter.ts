import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { RateLimiter } from '@hub/runtime';

/**
 * Sliding log in a sorted set, all in one Lua call so concurrent replicas cannot both take the
 * last slot. Redis' own clock (TIME) is used, so replicas with skewed clocks agree.
 */
const SLIDING_WINDOW_LUA = `
local key = KEYS[1]
local windowMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - windowMs)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, windowMs)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local retryMs = windowMs
if oldest[2] then retryMs = tonumber(oldest[2]) + windowMs - now end
return {0, 0, retryMs}
`;

interface RedisWithScript extends Redis {
  hubSlidingWindow(key: string, windowMs: number, limit: number, member: string): Promise<[number, number, number]>;
}

export function redisSlidingWindowLimiter(redis: Redis, keyPrefix = 'hub:gateway:rate:'): RateLimiter {
  redis.defineCommand('hubSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW_LUA });
  const scripted = redis as RedisWithScript;
  return {
    async hit(key, window) {
      const [allowed, remaining, retryMs] = await scripted.hubSlidingWindow(
        `${keyPrefix}${key}`,
        window.windowSeconds * 1000,
        window.limit,
        randomUUID(),
      );
      return { allowed: allowed === 1, remaining, retryAfterSeconds: Math.max(0, Math.ceil(retryMs / 1000)), nextAllowedSeconds: Math.max(0, retryMs) / 1000 };
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

/** The same algorithm in memory, for a single gateway without Redis (dev stack, benchmarks). */
export function inProcessSlidingWindowLimiter(): RateLimiter {
  // Per key: request times, oldest first; expired ones are dropped from the front (amortized O(1)).
  const logs = new Map<string, number[]>();
  return {
    async hit(key, window) {
      const now = Date.now();
      const windowMs = window.windowSeconds * 1000;
      let log = logs.get(key);
      if (!log) {
        // Bounded: a flood of distinct keys must not grow memory without limit.
        if (logs.size >= 100_000) logs.clear();
        log = [];
        logs.set(key, log);
      }
      let expired = 0;
      while (expired < log.length && log[expired]! <= now - windowMs) expired += 1;
      if (expired > 0) log.splice(0, expired);
      if (log.length < window.limit) {
        log.push(now);
        return { allowed: true, remaining: window.limit - log.length, retryAfterSeconds: 0, nextAllowedSeconds: 0 };
      }
      const waitMs = log[0]! + windowMs - now;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), nextAllowedSeconds: Math.max(0, waitMs) / 1000 };
    },
    close: async () => logs.clear(),
  };
}
