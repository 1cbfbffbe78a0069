import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestIdentities } from '../auth/requestIdentities';
import { callerKey } from './callerKey';
import { FairQueue, QueueRejectedError, type ReleaseSlot } from './fairQueue';

export interface AdmissionControlOptions {
  /** The slots (built from AdmissionSettings: capacity, perCaller, queuePerCaller, maxWaitMs). */
  slots: FairQueue;
  identities: RequestIdentities;
  onRefused?: (reason: QueueRejectedError['reason']) => void;
}

/** A refused caller already has `perCaller` operations running: about a second frees one. */
const RETRY_AFTER_SECONDS = 1;

function refusal(rejection: QueueRejectedError): GraphQLError {
  const message =
    rejection.reason === 'queue_full'
      ? 'Too many of your operations are in progress; retry later'
      : 'Your operation waited too long to be admitted; retry later';
  return new GraphQLError(message, {
    extensions: {
      code: 'OVERLOADED',
      reason: rejection.reason,
      retryAfter: RETRY_AFTER_SECONDS,
      http: { status: 429, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
    },
  });
}

/**
 * Admission control for HTTP operations (queries, mutations, SSE subscription starts): each
 * caller (verified tenant; anonymous: client address) has at most `perCaller` operations in the
 * gateway and a small queue; a free slot goes to the next waiting caller in turn. It runs as soon
 * as the request's parameters are read and its identity known (verified once per token), before
 * parse, validation, planning and execution, so a refused operation costs almost nothing: 429,
 * OVERLOADED, `retryAfter`. A subscription holds its slot only while it starts.
 */
export function useAdmissionControl(options: AdmissionControlOptions): Plugin {
  const { slots } = options;
  // By the per-operation context yoga passes to onParams and onExecutionResult (one per batch entry).
  const admitted = new WeakMap<object, ReleaseSlot>();
  return {
    onParams: async ({ request, context, paramsHandler, setParamsHandler, setResult }) => {
      const req = (context as { req?: { socket?: { remoteAddress?: string } } }).req;
      // An unacceptable token is refused by the context factory (401); here it counts by address.
      const identity = await options.identities.of(request).catch(() => null);
      let release: ReleaseSlot;
      try {
        release = await slots.acquire(callerKey({ identity, req }).key);
      } catch (error) {
        if (!(error instanceof QueueRejectedError)) throw error;
        options.onRefused?.(error.reason);
        setResult({ errors: [refusal(error)] });
        return;
      }
      admitted.set(context, release);
      const releaseSlot = release;
      setParamsHandler(async (payload) => {
        try {
          return await paramsHandler(payload);
        } finally {
          releaseSlot();
        }
      });
    },
    // A later onParams hook may answer itself (persisted operations); the slot is given back then too.
    onExecutionResult: ({ context }) => admitted.get(context)?.(),
  };
}
