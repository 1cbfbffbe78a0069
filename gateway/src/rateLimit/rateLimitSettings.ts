import { capToCeiling, isRateLimitWindow, RATE_LIMIT_CONFIG, type ConfigReader, type RateLimitWindow } from '@hub/runtime';

/** A config value as a window, or null when unset or unusable (a stored value the schema would refuse). */
function windowOf(reader: ConfigReader | undefined, key: string, orgId: string | null): RateLimitWindow | null {
  const value = reader?.get(RATE_LIMIT_CONFIG.service, key, orgId);
  return isRateLimitWindow(value) ? value : null;
}

/**
 * The window the gateway enforces for a tenant (orgId null: anonymous callers): its own config
 * value, else the global one, else the static default, capped at the ceiling. The ceiling is the
 * operators' value for the organization, else their global one, else the static default; so a
 * value stored above it (written before the ceiling was lowered, or past plattform's check) still
 * cannot raise the limit. `limit` 0 (only from the static default) means no limit.
 * Read on every request, so a changed config applies to the next request without a restart.
 */
export function rateLimitWindowFor(
  reader: ConfigReader | undefined,
  orgId: string | null,
  fallback: RateLimitWindow,
): RateLimitWindow {
  const staticDefault = fallback.limit > 0 ? fallback : null;
  const ceiling = windowOf(reader, RATE_LIMIT_CONFIG.ceilingKey, orgId) ?? staticDefault;
  const own = windowOf(reader, RATE_LIMIT_CONFIG.key, orgId) ?? staticDefault;
  if (!ceiling) return own ?? fallback;
  return own ? capToCeiling(own, ceiling) : ceiling;
}
