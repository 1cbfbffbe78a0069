import type { GatewayContext } from '../gatewayContext';

/** The Node request yoga adds to the context (absent for contexts the gateway builds itself). */
type ContextWithSocket = Partial<GatewayContext> & { req?: { socket?: { remoteAddress?: string } } };

export interface CallerKey {
  /** `org:<organization id>` for a verified token, else `anon:<client address>`. */
  key: string;
  orgId: string | null;
}

/**
 * Who a request is charged to by the gateway's limits (rate limit, fair queuing): the tenant of a
 * verified token; anonymous callers (login, signUp, issueServiceToken) have none and are counted
 * per client address.
 */
export function callerKey(context: unknown): CallerKey {
  const { identity, req } = (context ?? {}) as ContextWithSocket;
  if (identity) return { key: `org:${identity.orgId}`, orgId: identity.orgId };
  return { key: `anon:${req?.socket?.remoteAddress ?? 'unknown'}`, orgId: null };
}
