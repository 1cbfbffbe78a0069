import type { ConfigReader, Logger, RateLimiter, RateLimitWindow } from '@hub/core';
import type { GraphQLError } from 'graphql';
import { rateLimitedError } from './rateLimitedError';
import { rateLimitWindowFor } from './rateLimitSettings';

export interface RateLimitOptions {
  limiter: RateLimiter;
  fallback: RateLimitWindow;
  configReader?: ConfigReader;
  logger: Logger;
  onLimited?: () => void;
}

/**
 * Counts one request against a tenant's window (orgId) or, for callers without a tenant, the
 * client address's window, and answers with the RATE_LIMITED error once it is used up: HTTP 429,
 * a Retry-After header (whole seconds, as HTTP wants) and `retryAfter` (seconds; fractional from
 * the token bucket, so clients can come back spread out). When Redis does not answer the request is let
 * through (logged): the limit protects the graph, it must not stop it.
 */
export class RateLimitGate {
  constructor(private readonly options: RateLimitOptions) {}

  forTenant(orgId: string): Promise<GraphQLError | null> {
    return this.hit(`org:${orgId}`, orgId);
  }

  forAddress(address: string): Promise<GraphQLError | null> {
    return this.hit(`anon:${address}`, null);
  }

  private async hit(key: string, orgId: string | null): Promise<GraphQLError | null> {
    const window = rateLimitWindowFor(this.options.configReader, orgId, this.options.fallback);
    if (window.limit <= 0) return null;
    let decision;
    try {
      decision = await this.options.limiter.hit(key, window);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'rate limiter unavailable; request let through');
      return null;
    }
    if (decision.allowed) return null;
    this.options.onLimited?.();
    return rateLimitedError(`Rate limit of ${window.limit} requests per ${window.windowSeconds} s exceeded`, decision.retryAfterSeconds);
  }
}
