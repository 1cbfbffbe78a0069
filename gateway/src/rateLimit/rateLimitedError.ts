import { GraphQLError } from 'graphql';

/**
 * A refusal by one of the gateway's limits: HTTP 429, RATE_LIMITED, `retryAfter` in seconds
 * (fractional where the limit staggers callers) and a Retry-After header in whole seconds, as
 * HTTP wants.
 */
export function rateLimitedError(message: string, retryAfterSeconds: number, extensions: Record<string, unknown> = {}): GraphQLError {
  const header = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  return new GraphQLError(message, {
    extensions: {
      ...extensions,
      code: 'RATE_LIMITED',
      retryAfter: retryAfterSeconds,
      http: { status: 429, headers: { 'retry-after': header } },
    },
  });
}
