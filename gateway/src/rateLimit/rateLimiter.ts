import type { RateLimitWindow } from '@hub/core';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** When to try again (0 when allowed); whole seconds from the sliding window, milliseconds-exact from the token bucket. */
  retryAfterSeconds: number;
}

/** Counts requests per key against a window's limit; Redis-backed ones are shared by every gateway replica. */
export interface RateLimiter {
  hit(key: string, window: RateLimitWindow): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/**
 * How the window is enforced (GATEWAY_RATE_LIMIT_MODE). `slidingWindow`: at most `limit` in any
 * `windowSeconds` span. `tokenBucket`: a bucket of `limit` tokens refilled steadily at
 * `limit / windowSeconds` per second, so a caller cannot spend a whole window's budget at its
 * start, and refused callers are told staggered times to come back.
 */
export type RateLimitMode = 'slidingWindow' | 'tokenBucket';
