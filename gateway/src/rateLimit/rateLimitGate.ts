import type { ConfigReader, Logger, RateLimitWindow } from '@hub/core';
import { GraphQLError } from 'graphql';
import { rateLimitWindowFor } from './rateLimitSettings';
import type { SlidingWindowLimiter } from './slidingWindowLimiter';

export interface RateLimitOptions {
  limiter: SlidingWindowLimiter;
  fallback: RateLimitWindow;
  configReader?: ConfigReader;
  logger: Logger;
  onLimited?: () => void;
}

/**
 * Counts one request against a tenant's window (orgId) or, for callers without a tenant, the
 * client address's window, and answers with the RATE_LIMITED error once it is used up: HTTP 429,
 * a Retry-After header and `retryAfter` (seconds). When Redis does not answer the request is let
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
    return new GraphQLError(`Rate limit of ${window.limit} requests per ${window.windowSeconds} s exceeded`, {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfter: decision.retryAfterSeconds,
        http: { status: 429, headers: { 'retry-after': String(decision.retryAfterSeconds) } },
      },
    });
  }
}
