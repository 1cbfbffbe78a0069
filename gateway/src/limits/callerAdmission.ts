import { GraphQLError } from 'graphql';
import type { RequestIdentities } from '../auth/requestIdentities';
import type { NodeServerContext } from '../callers/clientAddress';
import type { RateLimitGate } from '../rateLimit/rateLimitGate';
import { callerKey } from '../callers/callerKey';
import { QueueRejectedError, type FairQueue, type QueueRejectionReason, type ReleaseSlot } from './fairQueue';

export interface CallerAdmissionOptions {
  /** The slots (built from AdmissionSettings: capacity, perCaller, queuePerCaller, maxWaitMs). */
  slots: FairQueue;
  identities: RequestIdentities;
  /** The rate limit: refusals are charged to it, and callers over it are refused here already. */
  rateLimit?: RateLimitGate;
  onRefused?: (reason: QueueRejectionReason) => void;
}

/** An operation admitted: give the slot back once its response (a subscription: its start) is ready. */
export interface Admitted {
  release: ReleaseSlot;
}

/** An operation refused: OVERLOADED (with `reason`) or RATE_LIMITED, with `retryAfter` in seconds. */
export interface AdmissionRefused {
  refusal: GraphQLError;
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

/**
 * Admission control, the same for every transport (HTTP requests, SSE starts, WebSocket
 * operations): each caller (verified tenant; anonymous: client address) has at most `perCaller`
 * operations in the gateway and a small queue; a free slot goes to the next waiting caller in turn.
 * A caller the rate limit refused moments ago is refused here already (RATE_LIMITED), so while it
 * stays over its limit its operations are never parsed. A refusal for a full queue counts against
 * the caller's rate limit (a caller cannot flood by being refused); one that waited too long is not
 * charged, the wait was the gateway's.
 */
export class CallerAdmission {
  constructor(private readonly options: CallerAdmissionOptions) {}

  /** `request` carries the token (its identity is verified once and cached); `client` the address. */
  async admit(request: Request, client: NodeServerContext): Promise<Admitted | AdmissionRefused> {
    const { slots, rateLimit } = this.options;
    // An unacceptable token is refused later, where identity is resolved; here it counts by address.
    const identity = await this.options.identities.of(request).catch(() => null);
    const caller = callerKey({ identity, req: client.req });
    const overLimit = await rateLimit?.beforeParsing(caller, request);
    if (overLimit) return { refusal: overLimit };
    try {
      return { release: await slots.acquire(caller.key) };
    } catch (error) {
      if (!(error instanceof QueueRejectedError)) throw error;
      this.options.onRefused?.(error.reason);
      const limited = error.reason === 'queue_full' ? await rateLimit?.forCaller(caller) : null;
      const retryAfter = typeof limited?.extensions.retryAfter === 'number' ? limited.extensions.retryAfter : staggeredRetryAfter();
      return {
        refusal: new GraphQLError(MESSAGES[error.reason], { extensions: { code: 'OVERLOADED', reason: error.reason, retryAfter } }),
      };
    }
  }
}
