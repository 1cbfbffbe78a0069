import type { RateLimitWindow } from './rateLimitWindow';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** When to try again (0 when allowed); whole seconds from the sliding window, milliseconds-exact from the token bucket. */
  retryAfterSeconds: number;
  /**
   * When the limit could next allow a request of this key (0 when allowed): the same for every
   * refused caller, unlike the staggered `retryAfterSeconds`. Until then a replica may refuse the
   * key's requests without asking the limiter again (another replica's use only makes it later).
   */
  nextAllowedSeconds: number;
}

/** Counts requests per key against a window's limit; Redis-backed ones are shared by every replica. */
export interface RateLimiter {
  hit(key: string, window: RateLimitWindow): Promise<RateLimitDecision>;
  close(): Promise<void>;
}
