import { configValue, type ConfigReader } from '@hub/core';
import type { RateLimitWindow } from './slidingWindowLimiter';

/** plattform service config address of the gateway's limits: service "gateway", key "rateLimit". */
export const RATE_LIMIT_SERVICE = 'gateway';
export const RATE_LIMIT_KEY = 'rateLimit';

function isRateLimitWindow(value: unknown): value is RateLimitWindow {
  if (typeof value !== 'object' || value === null) return false;
  const { limit, windowSeconds } = value as Record<string, unknown>;
  return (
    typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 &&
    typeof windowSeconds === 'number' && Number.isInteger(windowSeconds) && windowSeconds > 0
  );
}

/**
 * The tenant's window: its own config value, else the global one, else the static default.
 * Read on every request, so a changed config applies to the next request without a restart.
 */
export function rateLimitWindowFor(
  reader: ConfigReader | undefined,
  orgId: string | null,
  fallback: RateLimitWindow,
): RateLimitWindow {
  return configValue(reader, RATE_LIMIT_SERVICE, RATE_LIMIT_KEY, orgId, fallback, isRateLimitWindow);
}
