import { randomBytes } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { RequestIdentities } from '../../auth/requestIdentities';
import { clientAddressOf, type NodeServerContext } from '../../callers/clientAddress';
import type { RateLimitGate } from '../../rateLimit/rateLimitGate';
import { isOperationRoute } from '../../uploads/uploadRoute';
import type { SubscriptionTicketStore } from './subscriptionTicketStore';

/** Where an authenticated client exchanges its bearer token for a ticket (POST). */
export const SUBSCRIPTION_TICKET_PATH = '/subscription-tickets';
/** The URL parameter a plain EventSource passes its ticket in. */
export const TICKET_PARAM = 'ticket';

export interface SubscriptionTicketOptions {
  store: SubscriptionTicketStore;
  identities: RequestIdentities;
  ttlSeconds: number;
  /** Requests whose identity came from a ticket (exempt from CSRF prevention: nothing ambient authenticates them). */
  redeemed: WeakSet<Request>;
  /** Tickets issued count per tenant, refused attempts per client address, as operations do. */
  rateLimit: RateLimitGate;
}

function jsonResponse(fetchAPI: { Response: typeof Response }, status: number, body: unknown): Response {
  return new fetchAPI.Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } });
}

/** The ticket store (Redis) cannot be reached: retry shortly, nothing was issued or spent. */
function unavailable(fetchAPI: { Response: typeof Response }): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message: 'Subscription tickets are unavailable; retry shortly', extensions: { code: 'UNAVAILABLE', retryAfter: 1 } }] }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': '1' },
  });
}

/** RATE_LIMITED as over the GraphQL route: 429, Retry-After, `retryAfter`. */
function limitedResponse(fetchAPI: { Response: typeof Response }, limited: GraphQLError): Response {
  const { http, ...extensions } = limited.extensions as { http?: { status?: number; headers?: Record<string, string> } };
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message: limited.message, extensions }] }), {
    status: http?.status ?? 429,
    headers: { 'content-type': 'application/json', ...http?.headers },
  });
}

function refusal(fetchAPI: { Response: typeof Response }, status: number, message: string, code: string, reason: string): Response {
  return jsonResponse(fetchAPI, status, { errors: [{ message, extensions: { code, reason } }] });
}

/**
 * Plain `EventSource` cannot send `Authorization`. It subscribes with a short-lived single-use
 * ticket instead: the page POSTs to SUBSCRIPTION_TICKET_PATH with its bearer token and opens
 * `GET /graphql?query=…&ticket=…` (Accept: text/event-stream). Redeeming consumes the ticket and
 * runs the stream as that token, so expiry and revocation end it as they end any subscription.
 * A ticket in a URL is not ambient (no cookie), so such a request needs no CSRF header.
 */
export function useSubscriptionTickets(options: SubscriptionTicketOptions): Plugin {
  const { store, identities, rateLimit } = options;
  return {
    async onRequest({ request, url, fetchAPI, endResponse, setRequest, serverContext }) {
      /** A refused attempt counts against the address; once its window is used up the answer is 429. */
      const refuse = async (response: Response) => {
        const limited = await rateLimit.forAddress(clientAddressOf(serverContext as NodeServerContext));
        endResponse(limited ? limitedResponse(fetchAPI, limited) : response);
      };
      if (url.pathname === SUBSCRIPTION_TICKET_PATH) {
        if (request.method !== 'POST') return refuse(refusal(fetchAPI, 405, 'Use POST with Authorization: Bearer <token>', 'BAD_REQUEST', 'METHOD'));
        const identity = await identities.of(request).catch(() => null);
        if (!identity) return refuse(refusal(fetchAPI, 401, 'A valid bearer token is required', 'UNAUTHENTICATED', 'TOKEN_REQUIRED'));
        const limited = await rateLimit.forTenant(identity.orgId);
        if (limited) return endResponse(limitedResponse(fetchAPI, limited));
        const id = randomBytes(32).toString('base64url');
        const expiresAtMs = Math.min(Date.now() + options.ttlSeconds * 1000, identity.expiresAt * 1000);
        try {
          await store.put(id, { token: identity.token, userId: identity.userId, orgId: identity.orgId, expiresAtMs });
        } catch {
          return endResponse(unavailable(fetchAPI));
        }
        return endResponse(jsonResponse(fetchAPI, 201, { ticket: id, expiresAt: new Date(expiresAtMs).toISOString() }));
      }
      const id = isOperationRoute(url) ? url.searchParams.get(TICKET_PARAM) : null;
      if (id === null) return;
      if (request.method !== 'GET' || !(request.headers.get('accept') ?? '').includes('text/event-stream')) {
        return refuse(refusal(fetchAPI, 400, 'A subscription ticket opens a GET event stream only', 'BAD_REQUEST', 'TICKET_STREAM_ONLY'));
      }
      let ticket;
      try {
        ticket = await store.take(id);
      } catch {
        return endResponse(unavailable(fetchAPI));
      }
      if (!ticket) return refuse(refusal(fetchAPI, 401, 'Subscription ticket unknown, used or expired', 'UNAUTHENTICATED', 'TICKET_INVALID'));
      // A caller that also proves an identity must be the one the ticket was issued to.
      if (request.headers.has('authorization')) {
        const caller = await identities.of(request).catch(() => null);
        if (!caller || caller.userId !== ticket.userId || caller.orgId !== ticket.orgId) {
          return refuse(refusal(fetchAPI, 403, 'Subscription ticket was issued to another caller', 'FORBIDDEN', 'TICKET_NOT_YOURS'));
        }
      }
      const headers = new fetchAPI.Headers(request.headers);
      headers.set('authorization', `Bearer ${ticket.token}`);
      const authenticated = new fetchAPI.Request(request.url, { method: 'GET', headers, signal: request.signal });
      options.redeemed.add(authenticated);
      setRequest(authenticated);
    },
  };
}
