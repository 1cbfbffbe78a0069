import type { ConfigReader, Logger, RateLimiter, RateLimitWindow } from '@hub/runtime';
import type { GraphQLError } from 'graphql';
import type { CallerKey } from '../callers/callerKey';
import { clientAddressOf, type NodeServerContext } from '../callers/clientAddress';
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
  /** Keys refused here, until their limit could next allow a request. */
  private readonly exhausted = new Map<string, number>();
  /** Requests already counted by admission control (their first operation is not counted again). */
  private readonly countedEarly = new WeakSet<Request>();

  constructor(private readonly options: RateLimitOptions) {}

  /** A caller as admission control knows it: its tenant's window, anonymous: its address's. */
  forCaller(caller: CallerKey): Promise<GraphQLError | null> {
    return this.hit(caller.key, caller.orgId);
  }

  /**
   * For admission control, before a byte of the body is read: a caller this gateway saw refused
   * moments ago is counted here already, so while it stays over its limit its requests are
   * refused (the same answer, staggered retryAfter) without being parsed, validated or planned.
   * A request let through this way has been counted: its first operation is not counted again.
   * null: go on as usual.
   */
  async beforeParsing(caller: CallerKey, request: Request): Promise<GraphQLError | null> {
    const untilMs = this.exhausted.get(caller.key);
    if (untilMs === undefined) return null;
    if (untilMs <= Date.now()) this.exhausted.delete(caller.key);
    const limited = await this.forCaller(caller);
    if (!limited) this.countedEarly.add(request);
    return limited;
  }

  /** Whether admission control counted this request already (asked once per request). */
  countedBeforeParsing(request: Request): boolean {
    return this.countedEarly.delete(request);
  }

  forTenant(orgId: string): Promise<GraphQLError | null> {
    return this.hit(`org:${orgId}`, orgId);
  }

  forAddress(address: string): Promise<GraphQLError | null> {
    return this.hit(`anon:${address}`, null);
  }

  /**
   * One operation refused before it reached execution (a forged or expired token, a document that
   * does not parse or validate, an unknown persisted operation), over any transport: it has no
   * tenant, so it counts against the client address; RATE_LIMITED once that window is used up.
   */
  forRefusal(client: NodeServerContext | undefined): Promise<GraphQLError | null> {
    return this.forAddress(clientAddressOf(client));
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
    // Bounded: a flood of distinct addresses must not grow memory without limit.
    if (this.exhausted.size >= 100_000) this.exhausted.clear();
    this.exhausted.set(key, Date.now() + decision.nextAllowedSeconds * 1000);
    return rateLimitedError(`Rate limit of ${window.limit} requests per ${window.windowSeconds} s exceeded`, decision.retryAfterSeconds);
  }
}
