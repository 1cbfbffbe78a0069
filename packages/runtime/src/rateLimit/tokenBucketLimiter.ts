import type { RateLimitWindow } from './rateLimitWindow';
import type Redis from 'ioredis';
import type { RateLimiter, RateLimitDecision } from './rateLimiter';

/**
 * A token bucket per key: `limit` tokens, refilled at `limit / windowSeconds` per second, one
 * taken per request. A refused caller is told when the next token is due, and each further
 * refused caller the slot one refill interval after the last one promised, so a crowd of
 * refused clients comes back spread out instead of all at once, at about the rate the bucket
 * refills. Promises reach at most one window ahead, and at least PROMISE_HORIZON_MS: with a short
 * window (30 per 1 s) a crowd of a few hundred clients still gets distinct times instead of all
 * coming back within the second. Callers beyond the horizon (a crowd larger still, or a client
 * that never waits and so keeps pushing the promises ahead) get a random time within it. Promises
 * are hints, not reservations: whoever comes first when a token is there gets it.
 *
 * Kept per key as the bucket's used part (the requests counted, draining at the refill rate),
 * not its tokens: a changed limit (config, ceiling) then applies to what was already spent, as
 * with the sliding window, instead of handing out a fresh bucket. Also kept: when it was last
 * drained (ms) and the last promised retry time (ms).
 */
const TOKEN_BUCKET_LUA = `
local key = KEYS[1]
local windowMs = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local jitter = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = limit / windowMs
local state = redis.call('HMGET', key, 'used', 'at', 'promised')
local used = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
local promised = tonumber(state[3]) or 0
used = math.max(0, used - math.max(0, now - at) * perMs)
local allowed = 0
local retryMs = 0
local nextMs = 0
if used + 1 <= limit then
  used = used + 1
  allowed = 1
else
  local nextToken = now + (used + 1 - limit) / perMs
  local retryAt = math.max(nextToken, promised + 1 / perMs)
  local horizon = math.max(windowMs, tonumber(ARGV[4]))
  if retryAt - now > horizon then
    retryAt = nextToken + jitter * horizon
  else
    promised = retryAt
  end
  retryMs = math.ceil(retryAt - now)
  nextMs = math.ceil(nextToken - now)
end
redis.call('HSET', key, 'used', tostring(used), 'at', tostring(now), 'promised', tostring(promised))
redis.call('PEXPIRE', key, math.ceil(used / perMs) + math.max(windowMs, 1000))
return {allowed, math.floor(limit - used), retryMs, nextMs}
`;

/** The least time ahead that refused callers are spread over (see above). */
const PROMISE_HORIZON_MS = 10_000;

interface RedisWithScript extends Redis {
  hubTokenBucket(key: string, windowMs: number, limit: number, jitter: number, horizonMs: number): Promise<[number, number, number, number]>;
}

function decision(allowed: boolean, remaining: number, retryMs: number, nextMs: number): RateLimitDecision {
  return {
    allowed,
    remaining: Math.max(0, Math.floor(remaining)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, retryMs) / 1000,
    nextAllowedSeconds: allowed ? 0 : Math.max(0, nextMs) / 1000,
  };
}

/** The bucket in Redis, read and updated in one Lua call (atomic across replicas, on Redis' clock). */
export function redisTokenBucketLimiter(redis: Redis, keyPrefix = 'hub:gateway:bucket:'): RateLimiter {
  redis.defineCommand('hubTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
  const scripted = redis as RedisWithScript;
  return {
    async hit(key, window) {
      const [allowed, remaining, retryMs, nextMs] = await scripted.hubTokenBucket(
        `${keyPrefix}${key}`,
        window.windowSeconds * 1000,
        window.limit,
        Math.random(),
        PROMISE_HORIZON_MS,
      );
      return decision(allowed === 1, remaining, retryMs, nextMs);
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

interface Bucket {
  used: number;
  at: number;
  promised: number;
}

/** The same bucket in memory, for a single gateway without Redis (dev stack, benchmarks). */
export function inProcessTokenBucketLimiter(clock: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    async hit(key, window: RateLimitWindow) {
      const now = clock();
      const windowMs = window.windowSeconds * 1000;
      const perMs = window.limit / windowMs;
      let bucket = buckets.get(key);
      if (!bucket) {
        // Bounded: a flood of distinct keys must not grow memory without limit.
        if (buckets.size >= 100_000) buckets.clear();
        bucket = { used: 0, at: now, promised: 0 };
        buckets.set(key, bucket);
      }
      bucket.used = Math.max(0, bucket.used - Math.max(0, now - bucket.at) * perMs);
      bucket.at = now;
      if (bucket.used + 1 <= window.limit) {
        bucket.used += 1;
        return decision(true, window.limit - bucket.used, 0, 0);
      }
      const nextToken = now + (bucket.used + 1 - window.limit) / perMs;
      let retryAt = Math.max(nextToken, bucket.promised + 1 / perMs);
      const horizon = Math.max(windowMs, PROMISE_HORIZON_MS);
      if (retryAt - now > horizon) retryAt = nextToken + Math.random() * horizon;
      else bucket.promised = retryAt;
      return decision(false, Math.max(0, window.limit - bucket.used), Math.ceil(retryAt - now), Math.ceil(nextToken - now));
    },
    close: async () => buckets.clear(),
  };
}
