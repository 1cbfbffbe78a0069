import { envInt } from '../config/env';

/** At most `limit` requests in any `windowSeconds` span. */
export interface RateLimitWindow {
  limit: number;
  windowSeconds: number;
}

/**
 * Where the gateway's limits live among plattform's service configs. `rateLimit` is the tenant's
 * own (written by its admins with setConfig); `rateLimitCeiling` is the most a tenant may allow
 * itself, written only by platform operators (per organization, or globally for everyone).
 */
export const RATE_LIMIT_CONFIG = { service: 'gateway', key: 'rateLimit', ceilingKey: 'rateLimitCeiling' } as const;

/** A usable window: whole numbers, at least one request in at least one second. */
export function isRateLimitWindow(value: unknown): value is RateLimitWindow {
  if (typeof value !== 'object' || value === null) return false;
  const { limit, windowSeconds } = value as Record<string, unknown>;
  return (
    typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 1 &&
    typeof windowSeconds === 'number' && Number.isSafeInteger(windowSeconds) && windowSeconds >= 1
  );
}

/**
 * The gateway's static default (GATEWAY_RATE_LIMIT per GATEWAY_RATE_LIMIT_WINDOW_SECONDS): the
 * limit when no config is set, and the ceiling when no operator set one. Limit 0 means off.
 * plattform reads the same variables, so it refuses exactly what the gateway would cap.
 */
export function rateLimitDefaultFromEnv(): RateLimitWindow {
  return {
    limit: envInt('GATEWAY_RATE_LIMIT', 600),
    windowSeconds: envInt('GATEWAY_RATE_LIMIT_WINDOW_SECONDS', 60),
  };
}

/**
 * The window capped by the ceiling, keeping the window's length: no more requests than the
 * ceiling's burst (its limit) and no faster than its rate (limit / windowSeconds, compared in
 * whole numbers). A window too short to allow even one request at the ceiling's rate becomes the
 * ceiling itself. A window within the ceiling comes back unchanged.
 */
export function capToCeiling(window: RateLimitWindow, ceiling: RateLimitWindow): RateLimitWindow {
  const atCeilingRate = Math.floor((ceiling.limit * window.windowSeconds) / ceiling.windowSeconds);
  const limit = Math.min(window.limit, ceiling.limit, atCeilingRate);
  if (limit < 1) return ceiling;
  return limit === window.limit ? window : { limit, windowSeconds: window.windowSeconds };
}

export function exceedsCeiling(window: RateLimitWindow, ceiling: RateLimitWindow): boolean {
  return capToCeiling(window, ceiling) !== window;
}

export function describeRateLimit(window: RateLimitWindow): string {
  return `${window.limit} requests per ${window.windowSeconds} s`;
}
