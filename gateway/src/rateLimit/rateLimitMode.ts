/**
 * How the window is enforced (GATEWAY_RATE_LIMIT_MODE). `slidingWindow`: at most `limit` in any
 * `windowSeconds` span. `tokenBucket`: a bucket of `limit` tokens refilled steadily at
 * `limit / windowSeconds` per second, so a caller cannot spend a whole window's budget at its
 * start, and refused callers are told staggered times to come back.
 */
export type RateLimitMode = 'slidingWindow' | 'tokenBucket';
