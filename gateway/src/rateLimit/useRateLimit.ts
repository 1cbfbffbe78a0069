import type { ConfigReader, Logger } from '@hub/core';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { callerKey } from '../limits/callerKey';
import { rateLimitWindowFor } from './rateLimitSettings';
import type { RateLimitWindow, SlidingWindowLimiter } from './slidingWindowLimiter';

export interface RateLimitOptions {
  limiter: SlidingWindowLimiter;
  fallback: RateLimitWindow;
  configReader?: ConfigReader;
  logger: Logger;
  onLimited?: () => void;
}

interface LimitedOperation {
  args: { contextValue: unknown };
  setResultAndStopExecution(result: { errors: GraphQLError[] }): void;
}

/**
 * Per-tenant sliding-window rate limit, checked before planning. Over the limit: HTTP 429 with a
 * Retry-After header and a RATE_LIMITED error carrying `retryAfter` (seconds). When Redis does not
 * answer the request is let through (logged): the limit protects the graph, it must not stop it.
 */
export function useRateLimit(options: RateLimitOptions): Plugin {
  // Starting a subscription counts as one request, like a query or mutation.
  const check = async ({ args, setResultAndStopExecution }: LimitedOperation) => {
    const { key, orgId } = callerKey(args.contextValue);
    const window = rateLimitWindowFor(options.configReader, orgId, options.fallback);
    if (window.limit <= 0) return;
    let decision;
    try {
      decision = await options.limiter.hit(key, window);
    } catch (error) {
      options.logger.warn({ err: error }, 'rate limiter unavailable; request let through');
      return;
    }
    if (decision.allowed) return;
    options.onLimited?.();
    setResultAndStopExecution({
      errors: [
        new GraphQLError(`Rate limit of ${window.limit} requests per ${window.windowSeconds} s exceeded`, {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfter: decision.retryAfterSeconds,
            http: { status: 429, headers: { 'retry-after': String(decision.retryAfterSeconds) } },
          },
        }),
      ],
    });
  };
  return { onExecute: check, onSubscribe: check };
}
