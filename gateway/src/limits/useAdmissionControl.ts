import type { Plugin } from 'graphql-yoga';
import type { GraphQLError } from 'graphql';
import type { NodeServerContext } from '../callers/clientAddress';
import type { CallerAdmission } from './callerAdmission';
import type { ReleaseSlot } from './fairQueue';

export interface AdmissionControlOptions {
  admission: CallerAdmission;
  /** Which requests carry operations (health and metrics are not admitted here). */
  isOperationRoute: (url: URL) => boolean;
}

/** HTTP 429 with the refusal as the only error, `Retry-After` in whole seconds. */
function refusalResponse(fetchAPI: { Response: typeof Response }, refusal: GraphQLError): Response {
  const { http: _http, ...extensions } = refusal.extensions as Record<string, unknown>;
  const retryAfter = typeof extensions.retryAfter === 'number' ? extensions.retryAfter : 1;
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message: refusal.message, extensions }] }), {
    status: 429,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) },
  });
}

/**
 * Admission control (CallerAdmission) for GraphQL over HTTP: queries, mutations and SSE
 * subscription starts. It runs as soon as the caller is known from the request's headers, before
 * the body is read, parsed, validated, planned or executed, so a refusal costs next to nothing:
 * HTTP 429, `Retry-After`, OVERLOADED with `reason` (or RATE_LIMITED) and `retryAfter`. The slot is
 * given back when the response is ready (for a subscription: once it has started). WebSocket
 * operations are admitted by the same CallerAdmission in clientWebSockets.ts.
 */
export function useAdmissionControl(options: AdmissionControlOptions): Plugin {
  const admitted = new WeakMap<Request, ReleaseSlot>();
  return {
    onRequest: async ({ request, url, serverContext, fetchAPI, endResponse }) => {
      if (!options.isOperationRoute(url) || (request.method !== 'GET' && request.method !== 'POST')) return;
      const outcome = await options.admission.admit(request, serverContext as NodeServerContext);
      if ('refusal' in outcome) endResponse(refusalResponse(fetchAPI, outcome.refusal));
      else admitted.set(request, outcome.release);
    },
    onResponse: ({ request }) => {
      admitted.get(request)?.();
      admitted.delete(request);
    },
  };
}
