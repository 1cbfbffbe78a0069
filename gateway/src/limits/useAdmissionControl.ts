import type { Plugin } from 'graphql-yoga';
import type { RequestIdentities } from '../auth/requestIdentities';
import type { RateLimitGate } from '../rateLimit/rateLimitGate';
import { callerKey } from './callerKey';
import { FairQueue, QueueRejectedError, type QueueRejectionReason, type ReleaseSlot } from './fairQueue';

export interface AdmissionControlOptions {
  /** The slots (built from AdmissionSettings: capacity, perCaller, queuePerCaller, maxWaitMs). */
  slots: FairQueue;
  identities: RequestIdentities;
  /** Which requests carry operations (health and metrics are not admitted here). */
  isOperationRoute: (url: URL) => boolean;
  /** The rate limit: refusals are charged to it, and callers over it are refused here already. */
  rateLimit?: RateLimitGate;
  onRefused?: (reason: QueueRejectionReason) => void;
}

const MESSAGES: Record<QueueRejectionReason, string> = {
  queue_full: 'Too many of your operations are in progress; retry later',
  queue_timeout: 'Your operation waited too long to be admitted; retry later',
};

/**
 * A refused caller already has `perCaller` operations running: about a second frees one. Each
 * refused client is told a time between half a second and a second and a half, so a crowd of
 * them does not come back at the same instant.
 */
function staggeredRetryAfter(): number {
  return Math.round(500 + Math.random() * 1000) / 1000;
}

function refusal(fetchAPI: { Response: typeof Response }, retryAfter: number, message: string, extensions: Record<string, unknown>): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { ...extensions, retryAfter } }] }), {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) },
  });
}

/**
 * Admission control for GraphQL over HTTP (queries, mutations, SSE subscription starts): each
 * caller (verified tenant; anonymous: client address) has at most `perCaller` requests in the
 * gateway and a small queue; a free slot goes to the next waiting caller in turn. It runs as soon
 * as the caller is known from the request's headers (a token is verified once, then cached),
 * before the body is read, parsed, validated, planned or executed, so a refusal costs next to
 * nothing: HTTP 429, `Retry-After`, OVERLOADED with `reason` and a staggered `retryAfter`. A
 * request refused for a full queue still counts against the caller's rate limit (a caller cannot
 * flood by being refused; one that waited too long is not charged, the wait was the gateway's), and a caller the rate limit refused moments ago is counted here, so while it stays
 * over its limit it is refused with RATE_LIMITED before its body is read. The slot is given back when the response is ready
 * (for a subscription: once it has started).
 */
export function useAdmissionControl(options: AdmissionControlOptions): Plugin {
  const { slots, rateLimit } = options;
  const admitted = new WeakMap<Request, ReleaseSlot>();
  return {
    onRequest: async ({ request, url, serverContext, fetchAPI, endResponse }) => {
      if (!options.isOperationRoute(url) || (request.method !== 'GET' && request.method !== 'POST')) return;
      const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req;
      // An unacceptable token is refused by the context factory (401); here it counts by address.
      const identity = await options.identities.of(request).catch(() => null);
      const caller = callerKey({ identity, req });
      const overLimit = await rateLimit?.beforeParsing(caller, request);
      if (overLimit) {
        endResponse(refusal(fetchAPI, overLimit.extensions.retryAfter as number, overLimit.message, { code: 'RATE_LIMITED' }));
        return;
      }
      try {
        admitted.set(request, await slots.acquire(caller.key));
      } catch (error) {
        if (!(error instanceof QueueRejectedError)) throw error;
        options.onRefused?.(error.reason);
        // A full queue is the caller's own doing and is charged; a wait that ran out is the gateway's.
        const limited = error.reason === 'queue_full' ? await rateLimit?.forCaller(caller) : null;
        const retryAfter = typeof limited?.extensions.retryAfter === 'number' ? limited.extensions.retryAfter : staggeredRetryAfter();
        endResponse(refusal(fetchAPI, retryAfter, MESSAGES[error.reason], { code: 'OVERLOADED', reason: error.reason }));
      }
    },
    onResponse: ({ request }) => {
      admitted.get(request)?.();
      admitted.delete(request);
    },
  };
}
