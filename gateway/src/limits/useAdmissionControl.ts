import type { Plugin } from 'graphql-yoga';
import type { RequestIdentities } from '../auth/requestIdentities';
import { callerKey } from './callerKey';
import { FairQueue, QueueRejectedError, type QueueRejectionReason, type ReleaseSlot } from './fairQueue';

export interface AdmissionControlOptions {
  /** The slots (built from AdmissionSettings: capacity, perCaller, queuePerCaller, maxWaitMs). */
  slots: FairQueue;
  identities: RequestIdentities;
  /** Which requests carry operations (health and metrics are not admitted here). */
  isOperationRoute: (url: URL) => boolean;
  onRefused?: (reason: QueueRejectionReason) => void;
}

/** A refused caller already has `perCaller` operations running: about a second frees one. */
const RETRY_AFTER_SECONDS = 1;

const MESSAGES: Record<QueueRejectionReason, string> = {
  queue_full: 'Too many of your operations are in progress; retry later',
  queue_timeout: 'Your operation waited too long to be admitted; retry later',
};

/** The refusal bodies, serialized once: refusing must cost next to nothing. */
const REFUSAL_BODIES: Record<QueueRejectionReason, string> = {
  queue_full: refusalBody('queue_full'),
  queue_timeout: refusalBody('queue_timeout'),
};

function refusalBody(reason: QueueRejectionReason): string {
  const extensions = { code: 'OVERLOADED', reason, retryAfter: RETRY_AFTER_SECONDS };
  return JSON.stringify({ errors: [{ message: MESSAGES[reason], extensions }] });
}

/**
 * Admission control for GraphQL over HTTP (queries, mutations, SSE subscription starts): each
 * caller (verified tenant; anonymous: client address) has at most `perCaller` requests in the
 * gateway and a small queue; a free slot goes to the next waiting caller in turn. It runs as soon
 * as the caller is known from the request's headers (a token is verified once, then cached),
 * before the body is read, parsed, validated, planned or executed, so a refusal costs next to
 * nothing: HTTP 429, `Retry-After`, OVERLOADED with `reason` and `retryAfter`. The slot is given
 * back when the response is ready (for a subscription: once it has started).
 */
export function useAdmissionControl(options: AdmissionControlOptions): Plugin {
  const { slots } = options;
  const admitted = new WeakMap<Request, ReleaseSlot>();
  return {
    onRequest: async ({ request, url, serverContext, fetchAPI, endResponse }) => {
      if (!options.isOperationRoute(url) || (request.method !== 'GET' && request.method !== 'POST')) return;
      const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req;
      // An unacceptable token is refused by the context factory (401); here it counts by address.
      const identity = await options.identities.of(request).catch(() => null);
      try {
        admitted.set(request, await slots.acquire(callerKey({ identity, req }).key));
      } catch (error) {
        if (!(error instanceof QueueRejectedError)) throw error;
        options.onRefused?.(error.reason);
        endResponse(
          new fetchAPI.Response(REFUSAL_BODIES[error.reason], {
            status: 429,
            headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(RETRY_AFTER_SECONDS) },
          }),
        );
      }
    },
    onResponse: ({ request }) => {
      admitted.get(request)?.();
      admitted.delete(request);
    },
  };
}
